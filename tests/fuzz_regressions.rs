//! Every seed and every input a fuzzer ever found a problem with
//! (`fuzz/corpus/<target>`, `fuzz/regressions/<target>`) replayed through
//! the same checks the fuzz targets run. A crasher found by `cargo fuzz` is
//! copied into `fuzz/regressions/<target>/` and stays a test forever.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use std::path::Path;

type Check = fn(&[u8]);

#[test]
fn saved_fuzz_inputs_hold_their_properties() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let targets: [(&str, Check); 5] = [
        ("qr", wijkstem::fuzzing::qr),
        ("serial", wijkstem::fuzzing::serial),
        ("pabulib", wijkstem::rules::fuzzing::pabulib),
        ("csv", wijkstem::fuzzing::csv),
        ("bundle", wijkstem::fuzzing::bundle),
    ];
    for (name, check) in targets {
        let mut n = 0;
        for kind in ["corpus", "regressions"] {
            let Ok(dir) = std::fs::read_dir(root.join(kind).join(name)) else { continue };
            for entry in dir {
                let path = entry.unwrap().path();
                if path.is_file() && !path.file_name().unwrap().to_string_lossy().starts_with('.') {
                    let data = std::fs::read(&path).unwrap();
                    let r = std::panic::catch_unwind(|| check(&data));
                    assert!(r.is_ok(), "{name}: {} breaks a property", path.display());
                    n += 1;
                }
            }
        }
        assert!(n > 0, "{name} has a seed corpus");
    }
}
