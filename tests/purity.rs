//! The core's purity is an invariant (ARCHITECTURE.md): no web crate, no clock,
//! no OS entropy, no platform-dependent RNG, no hashed maps in `src/sim`.

#[test]
fn sim_core_imports_nothing_impure() {
    let forbidden = [
        "yew",
        "web_sys",
        "js_sys",
        "gloo",
        "wasm_bindgen",
        "Instant",
        "SystemTime",
        "thread_rng",
        "SmallRng",
        "StdRng",
        "getrandom",
        "from_entropy",
        "HashMap",
        "HashSet",
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("src/sim");
    let mut checked = 0;
    // The core, and the pure readers and writers beside it (settings, scenarios).
    // Every file in those folders, subfolders included.
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&dir, &mut paths);
    walk(&root.join("src/scenario"), &mut paths);
    walk(&root.join("src/params"), &mut paths);
    paths.push(root.join("src/library.rs"));
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        for (ln, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                let hit = code
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|tok| tok == word);
                assert!(
                    !hit,
                    "{}:{}: `{word}` in the pure core: {line}",
                    path.display(),
                    ln + 1
                );
            }
        }
        checked += 1;
    }
    assert!(
        checked >= 5,
        "expected the core's files in {}",
        dir.display()
    );
}
