//! `appreg`: the portal server, the offline validator and user administration.

use appreg_server::{admin, cli};
use std::io::IsTerminal;
use std::process::ExitCode;

const USAGE: &str = "usage:
  appreg serve [--addr 127.0.0.1:8080] [--database-url URL] [--static dist] [--demo]
      [--public-url https://portal.example.com] [--frame-ancestors \"'none'\"|SOURCE...]
      [--embed-origin https://host[:port]]...
      [--session-idle 30m] [--session-lifetime 12h] [--trusted-proxy CIDR]...
  appreg check --template <template> --kind <redirect|cors|endpoint|name> VALUE...
  appreg validate FILE.json
  appreg rules --markdown   (the rule catalogue, as docs/rules.md)
  appreg partner add --id ID --name NAME [--database-url URL]
  appreg user add --email E --name N --partner ID --role administrator|developer|marketing [--app-manager]
      [--database-url URL]   (the password is read from standard input, never from the command line)
  appreg user disable --email E [--database-url URL]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => ("", &[][..]),
    };
    let code = match cmd {
        "check" => cli::check(rest, &mut std::io::stdout(), &mut std::io::stderr()),
        "validate" => cli::validate(rest, &mut std::io::stdout(), &mut std::io::stderr()),
        "rules" => cli::rules(rest, &mut std::io::stdout(), &mut std::io::stderr()),
        "serve" => appreg_server::serve_main(rest),
        "partner" => admin::partner(rest, &mut std::io::stdout(), &mut std::io::stderr()),
        "user" => {
            let stdin = std::io::stdin();
            let prompt = stdin.is_terminal();
            admin::user(
                rest,
                &mut stdin.lock(),
                prompt,
                &mut std::io::stdout(),
                &mut std::io::stderr(),
            )
        }
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
