//! Large bodies in bounded memory: a 200 MB download read as a stream, and a 200 MB upload
//! from a file, each over a real socket, with the process's allocations counted. The server is
//! in the same process and holds nothing either (it writes from one reused buffer and keeps no
//! uploaded byte), so what the count shows is the client's.
//!
//! One test in its own binary: a test running beside it would skew the count.

use std::io::Write;

use apigen_runtime::{Client, RetryPolicy, Upload};
use testkit::{Fnv1a, Reply, Server};

mod counting;
use counting::{peak_during, Counting};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SIZE: u64 = 200 * 1024 * 1024;
/// What "bounded" means here: 2 % of the 200 MB moved (measured: under 1 MB each way).
const BOUND: usize = 4 * 1024 * 1024;

#[tokio::test]
async fn two_hundred_megabytes_each_way_in_bounded_memory() {
    let server = Server::start_keeping(0, |request| {
        if request.method == "GET" {
            Reply::generated(200, "application/octet-stream", SIZE, b'z')
        } else {
            Reply::empty(204)
        }
    })
    .await;
    let client =
        Client::builder("http://unused.invalid").base_url(server.url()).retry(RetryPolicy::never()).build().unwrap();

    // Download: read as a stream, counted and checked as it goes, never held.
    let (received, peak) = peak_during(async {
        let mut stream = client.get("/download", &[]).send_stream::<serde_json::Value>(&[]).await.unwrap();
        let mut received = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.unwrap();
            assert!(chunk.iter().all(|&b| b == b'z'));
            received += chunk.len() as u64;
        }
        received
    })
    .await;
    assert_eq!(received, SIZE);
    assert!(peak < BOUND, "downloading 200 MB used {peak} bytes at most");

    // The same body read whole is refused by the default 32 MiB limit, before it is read.
    let error = client.get("/download", &[]).send_bytes::<serde_json::Value>(&[]).await.unwrap_err();
    assert!(matches!(error, apigen_runtime::Error::TooLarge { .. }), "{error:?}");

    // Upload: a 200 MB file, streamed from disk.
    let path = std::env::temp_dir().join(format!("apigen-200mb-{}.bin", std::process::id()));
    let mut expected = Fnv1a::new();
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let block: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
        for _ in 0..SIZE / block.len() as u64 {
            file.write_all(&block).unwrap();
            expected.update(&block);
        }
    }
    let (sent, peak) = peak_during(async {
        client
            .put("/upload", &[])
            .upload("application/octet-stream", Upload::file(&path))
            .send_empty::<serde_json::Value>(&[])
            .await
    })
    .await;
    std::fs::remove_file(&path).unwrap();
    sent.unwrap();
    assert!(peak < BOUND, "uploading 200 MB used {peak} bytes at most");
    let upload = server.requests().into_iter().find(|r| r.method == "PUT").unwrap();
    assert_eq!(upload.body_len, SIZE);
    assert_eq!(upload.body_hash, expected.finish());
    assert_eq!(upload.header("content-length"), Some(SIZE.to_string().as_str()));
}
