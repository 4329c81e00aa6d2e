//! `shopterm completions SHELL` and `shopterm man`: shell completions and roff man pages from
//! the clap definition, each page with the EXIT STATUS section.

use super::exit::{CliResult, Failure, io_failure};
use super::output::stdout;
use clap::CommandFactory;
use shopterm::cli::{Cli, CompletionsArgs, ExitStatus, ManArgs};
use std::io::Write;

pub fn completions(args: CompletionsArgs) -> CliResult {
    let mut command = Cli::command();
    let mut out = stdout();
    clap_complete::generate(args.shell, &mut command, "shopterm", &mut out);
    out.flush().map_err(io_failure)
}

/// Text for roff: backslashes escaped, no line starting with a control character.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// The EXIT STATUS section of every page.
fn exit_status_section() -> String {
    let mut roff = String::from(".SH \"EXIT STATUS\"\n");
    for status in ExitStatus::ALL {
        roff.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            status.code(),
            roff_text(status.describe())
        ));
    }
    roff
}

fn render_page(command: clap::Command) -> CliResult<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(io_failure)?;
    page.extend_from_slice(exit_status_section().as_bytes());
    Ok(page)
}

pub fn man(args: ManArgs) -> CliResult {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure::new(
                ExitStatus::Failure,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        let mut pages = vec![root.clone()];
        pages.extend(root.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
        for command in pages {
            let name = command
                .get_display_name()
                .unwrap_or(command.get_name())
                .to_owned();
            let path = dir.join(format!("{name}.1"));
            std::fs::write(&path, render_page(command)?).map_err(|e| {
                Failure::new(
                    ExitStatus::Failure,
                    format!("cannot write {}: {e}", path.display()),
                )
            })?;
            println!("{}", path.display());
        }
        return Ok(());
    }
    let command = match &args.command {
        None => root,
        Some(name) => root
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| Failure::new(ExitStatus::Usage, format!("no command {name:?}")))?,
    };
    let page = render_page(command)?;
    let mut out = stdout();
    out.write_all(&page).map_err(io_failure)?;
    out.flush().map_err(io_failure)
}
