use mozu_indicators::IndicatorSet;
use mozu_model::Location;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let what = std::env::args().nth(2).unwrap();
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for p in paths {
        let b = std::fs::read(&p).unwrap();
        let t = String::from_utf8_lossy(&b);
        let mut s = IndicatorSet::default();
        s.scan_text(&t, Location::Text);
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        match what.as_str() {
            "defanged" => for u in s.urls.iter().filter(|u| u.defanged) { println!("{name}\t{}", u.url) },
            "urls" => for u in &s.urls { println!("{name}\t{}", u.url) },
            "domains" => for d in &s.domains { println!("{name}\t{d}") },
            "ips" => for d in &s.ips { println!("{name}\t{d}") },
            "emails" => for d in &s.emails { println!("{name}\t{d}") },
            _ => {}
        }
    }
}
