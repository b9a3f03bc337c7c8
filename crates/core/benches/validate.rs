//! `make bench`: time to validate a list of 100 redirect URLs natively (plain bench binary).

use appreg_core::{check_redirect_list, Template};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn list() -> Vec<String> {
    (0..100)
        .map(|i| match i % 5 {
            0 => format!("https://app{i}.example.com/callback"),
            1 => format!("https://App{i}.Example.com:443/signin-oidc?tenant=t{i}"),
            2 => format!("http://127.0.0.1:{}/cb", 8000 + i),
            3 => format!("https://bücher{i}.de/cb"),
            _ => format!(r"^https://app{i}\.example\.com/cb/[a-z0-9]+$"),
        })
        .collect()
}

fn measure(label: &str, template: Template, urls: &[String]) {
    // Warm up, then time batches until at least one second has passed.
    for _ in 0..20 {
        black_box(check_redirect_list(black_box(urls), template));
    }
    let mut samples: Vec<Duration> = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) || samples.len() < 50 {
        let t = Instant::now();
        black_box(check_redirect_list(black_box(urls), template));
        samples.push(t.elapsed());
    }
    samples.sort();
    let p = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    println!(
        "{label}: validate 100 redirect URLs: median {:?}, p90 {:?}, min {:?} ({} runs) = {:.2} µs per URL",
        p(0.5),
        p(0.9),
        samples[0],
        samples.len(),
        p(0.5).as_secs_f64() * 1e6 / urls.len() as f64
    );
}

fn main() {
    let urls = list();
    measure("web template", Template::Web, &urls);
    measure("native template", Template::Native, &urls);
}
