//! What the docs say of a schema: its title and description as rustdoc, and the rules it sets
//! on its values beyond their type (`format`, `pattern`, bounds…).

use crate::load::Schema;
use crate::model::ir::Constraint;

/// Title and description joined as rustdoc wants: a short first paragraph, then the rest.
pub fn docs(title: Option<&str>, description: Option<&str>) -> Option<String> {
    let parts: Vec<&str> =
        [title, description].into_iter().flatten().map(str::trim).filter(|s| !s.is_empty()).collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("\n\n"))
    }
}

/// The rules a schema sets on its values beyond their type, in the order the docs show them.
pub fn constraints(schema: &Schema) -> Vec<Constraint> {
    let c = &schema.constraints;
    let mut out = Vec::new();
    out.extend(schema.format.clone().map(Constraint::Format));
    out.extend(c.pattern.clone().map(Constraint::Pattern));
    if c.min_length.is_some() || c.max_length.is_some() {
        out.push(Constraint::Length { min: c.min_length, max: c.max_length });
    }
    match (c.minimum, c.exclusive_minimum) {
        (_, Some(value)) => out.push(Constraint::Minimum { value: number_text(value), exclusive: true }),
        (Some(value), None) => out.push(Constraint::Minimum { value: number_text(value), exclusive: false }),
        (None, None) => {}
    }
    match (c.maximum, c.exclusive_maximum) {
        (_, Some(value)) => out.push(Constraint::Maximum { value: number_text(value), exclusive: true }),
        (Some(value), None) => out.push(Constraint::Maximum { value: number_text(value), exclusive: false }),
        (None, None) => {}
    }
    out.extend(c.multiple_of.map(|m| Constraint::MultipleOf(number_text(m))));
    if c.min_items.is_some() || c.max_items.is_some() {
        out.push(Constraint::Items { min: c.min_items, max: c.max_items });
    }
    if c.unique_items {
        out.push(Constraint::UniqueItems);
    }
    if c.min_properties.is_some() || c.max_properties.is_some() {
        out.push(Constraint::Properties { min: c.min_properties, max: c.max_properties });
    }
    out
}

/// A bound as a person writes it: `10`, not `10.0`.
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use crate::model::ir::{Constraint, TypeKind};
    use crate::model::testing::{kind, model};

    /// What the docs show: every constraint, in the document's numbers.
    #[test]
    fn fields_keep_their_constraints() {
        let api = model("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        sid: {type: string, pattern: '^AC[0-9a-f]{32}$', minLength: 34, maxLength: 34}\n        n: {type: integer, format: int32, exclusiveMinimum: 0, maximum: 10, multipleOf: 2}\n        l: {type: array, items: {type: string}, minItems: 1, uniqueItems: true}\n");
        let TypeKind::Struct(s) = kind(&api, "A") else { panic!("A is a struct") };
        let of = |name: &str| &s.fields.iter().find(|f| f.name == name).unwrap().constraints;
        assert_eq!(
            of("sid"),
            &[Constraint::Pattern("^AC[0-9a-f]{32}$".into()), Constraint::Length { min: Some(34), max: Some(34) }]
        );
        assert_eq!(
            of("n"),
            &[
                Constraint::Format("int32".into()),
                Constraint::Minimum { value: "0".into(), exclusive: true },
                Constraint::Maximum { value: "10".into(), exclusive: false },
                Constraint::MultipleOf("2".into()),
            ]
        );
        assert_eq!(of("l"), &[Constraint::Items { min: Some(1), max: None }, Constraint::UniqueItems]);
    }
}
