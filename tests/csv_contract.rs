//! docs/csv.md is the CSV/JSON contract: every column the program writes is named
//! there (so a new column cannot ship undocumented), in the order the program writes
//! them.

use netio_tui::engine::metric::METRICS;
use netio_tui::model::csv::header;

fn contract() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/csv.md")).unwrap()
}

#[test]
fn every_column_written_is_in_the_contract_in_order() {
    let doc = contract();
    let mut at = 0;
    for col in header(METRICS) {
        // Each column has its own table row: "| `name` |".
        let row = format!("| `{col}` |");
        match doc[at..].find(&row) {
            Some(i) => at += i + row.len(),
            None => panic!(
                "column {col} is written but docs/csv.md {} (add a table row `| `{col}` | …` in order)",
                if doc.contains(&row) {
                    "lists it out of order"
                } else {
                    "does not name it"
                }
            ),
        }
    }
}

#[test]
fn the_keys_only_json_has_are_in_the_contract() {
    let doc = contract();
    for key in ["counters_note", "pmu_split"] {
        assert!(doc.contains(&format!("`{key}`")), "{key}");
    }
}
