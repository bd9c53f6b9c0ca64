//! docs/ARCHITECTURE.md stays true to the route table: every path the router serves has a row
//! in the codemap's endpoint table.

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Every path in `src/web/router.rs` (its constants and literal routes), tests left out.
fn routed_paths() -> Vec<String> {
    let router = read("src/web/router.rs");
    let code = router.split("#[cfg(test)]").next().unwrap();
    let mut paths: Vec<String> = code
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with('/') && !s.starts_with("//") && !s.contains('\\'))
        .map(|s| s.replace(":.*}", "}"))
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// The paths the endpoint table names; `…` ends a prefix, `[/{id}]` an optional segment.
fn documented_patterns() -> Vec<String> {
    let doc = read("docs/ARCHITECTURE.md");
    let table = doc
        .split("Where each endpoint lives:")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .nth(1)
        .unwrap();
    let mut patterns = Vec::new();
    for row in table.lines().filter(|l| l.starts_with("| ")) {
        let first = row.split(" | ").next().unwrap();
        for token in first.split('`').skip(1).step_by(2) {
            let path = token
                .trim_start_matches("GET/PUT/DELETE ")
                .split_whitespace()
                .last()
                .unwrap_or("")
                .to_string();
            if let Some(optional) = path.strip_suffix("[/{id}]") {
                patterns.push(optional.to_string());
                patterns.push(format!("{optional}/{{id}}"));
            } else {
                patterns.push(path);
            }
        }
    }
    patterns
}

#[test]
fn every_route_has_a_row_in_the_codemap() {
    let patterns = documented_patterns();
    let covered = |path: &str| {
        patterns.iter().any(|p| match p.strip_suffix('…') {
            Some(prefix) => path.starts_with(prefix),
            None => p == path,
        })
    };
    let missing: Vec<String> = routed_paths().into_iter().filter(|p| !covered(p)).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the endpoint table in docs/ARCHITECTURE.md: {missing:?}"
    );
}
