//! A crate whose build script generates its API client, instead of depending on a generated
//! crate: `build.rs` calls `apigen::embed::Builder`, and the module it writes is included here.

include!(concat!(env!("OUT_DIR"), "/qovery.rs"));

/// The secret keys of a job: what a crate adds on top of its generated client.
pub async fn secret_keys(client: &qovery::Client, job: uuid::Uuid) -> qovery::Result<Vec<String>> {
    let page = client.job_secret().list_job_secrets(job).await?;
    Ok(page.results.unwrap_or_default().into_iter().map(|secret| secret.key).collect())
}
