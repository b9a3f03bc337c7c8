//! `appreg`: the portal server and the offline validator.

use appreg_server::cli;
use std::process::ExitCode;

const USAGE: &str = "usage:
  appreg serve [--addr 127.0.0.1:8080] [--database-url URL] [--static dist] [--demo]
  appreg check --template <template> --kind <redirect|cors|endpoint|name> VALUE...
  appreg validate FILE.json";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => ("", &[][..]),
    };
    let code = match cmd {
        "check" => cli::check(rest, &mut std::io::stdout(), &mut std::io::stderr()),
        "validate" => cli::validate(rest, &mut std::io::stdout(), &mut std::io::stderr()),
        "serve" => appreg_server::serve_main(rest),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            0
        }
        _ => {
            eprintln!("{USAGE}");
            cli::USAGE
        }
    };
    ExitCode::from(code as u8)
}
