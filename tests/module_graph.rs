//! No import cycle between the top-level modules of the library (`src/lib.rs`'s `mod`s): a
//! change to one module should have an obvious place, which it has not when two modules lean on
//! each other. Reads the sources as text and collects every `crate::<module>` path (in `use`
//! lines, grouped `use crate::{a, b}` included, and in code), from the files of one top-level
//! module to another. Comments do not count; `super::` paths never leave a top-level module in
//! this crate, so only `crate::` is followed. The binary (`main.rs`, `commands/`) is not part of
//! the library and is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where an edge was seen: file and line, for the failure message.
type Evidence = Vec<(PathBuf, usize)>;
type Graph = BTreeMap<String, BTreeMap<String, Evidence>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The library's top-level modules, from `lib.rs`.
fn top_level_modules(src: &Path) -> BTreeSet<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("read src/lib.rs");
    strip_comments(&lib)
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line
                .strip_prefix("pub mod ")
                .or_else(|| line.strip_prefix("mod "))?;
            let name = rest.strip_suffix(';')?.trim();
            Some(name.to_owned())
        })
        .collect()
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// The source with `//` and `/* */` comments blanked out (newlines kept, so line numbers stay),
/// string and character literals left as they are.
fn strip_comments(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == '"' {
            // A string: copied whole, so a "//" inside it is not taken for a comment.
            out.push(c);
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    out.push(chars[i]);
                    i += 1;
                }
                out.push(chars[i]);
                i += 1;
            }
            if i < chars.len() {
                out.push('"');
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The first identifier of each entry of a `{…}` group (entries split at depth-0 commas).
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut entry = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                heads.push(std::mem::take(&mut entry));
                continue;
            }
            _ => {}
        }
        entry.push(c);
    }
    heads.push(entry);
    heads
        .iter()
        .map(|e| e.trim().chars().take_while(|c| is_ident(*c)).collect())
        .filter(|h: &String| !h.is_empty())
        .collect()
}

/// Where the `}` closing a group is, in the text right after its `{` (the end when unclosed).
fn closing_brace(group: &str) -> usize {
    let mut depth = 1;
    group
        .char_indices()
        .find(|(_, c)| {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            depth == 0
        })
        .map_or(group.len(), |(i, _)| i)
}

/// The top-level modules a source text names through `crate::`, each with the line it is on.
fn crate_references(text: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        // `crate` as a word: not the end of `my_crate::` or `$crate::`.
        if text[..start]
            .chars()
            .next_back()
            .is_some_and(|c| is_ident(c) || c == '$')
        {
            continue;
        }
        let line = text[..start].matches('\n').count() + 1;
        let rest = &text[from..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = closing_brace(group);
            found.extend(group_heads(&group[..end]).into_iter().map(|h| (h, line)));
        } else {
            let head: String = rest.chars().take_while(|c| is_ident(*c)).collect();
            if !head.is_empty() {
                found.push((head, line));
            }
        }
    }
    found
}

/// The top-level module a file of `src` belongs to (`auth` for src/auth/flow.rs and
/// src/auth.rs), if it is one of `modules`.
fn owner(src: &Path, file: &Path, modules: &BTreeSet<String>) -> Option<String> {
    let first = file.strip_prefix(src).ok()?.components().next()?;
    let first = first.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    modules.contains(name).then(|| name.to_owned())
}

fn module_graph(src: &Path) -> Graph {
    let modules = top_level_modules(src);
    assert!(
        modules.len() > 5,
        "lib.rs lists too few modules: {modules:?}"
    );
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph = Graph::new();
    for file in files {
        let Some(from) = owner(src, &file, &modules) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("read a source file");
        for (to, line) in crate_references(&strip_comments(&text)) {
            if to != from && modules.contains(&to) {
                let relative = file.strip_prefix(src).unwrap_or(&file).to_path_buf();
                graph
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .push((relative, line));
            }
        }
    }
    graph
}

/// The cycles of `graph`: for every module and each module it uses, the shortest way back to it
/// (through modules with greater names only, so every cycle is listed once, from its smallest
/// module).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let uses = |node: &str| -> Vec<String> {
        graph
            .get(node)
            .map(|edges| edges.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut found = Vec::new();
    for start in graph.keys() {
        for first in uses(start).into_iter().filter(|n| n > start) {
            // Breadth-first from `first`, so the first way back is a shortest one.
            let mut previous: BTreeMap<String, String> = BTreeMap::new();
            let mut queue = std::collections::VecDeque::from([first.clone()]);
            let mut last = None;
            'search: while let Some(node) = queue.pop_front() {
                for next in uses(&node) {
                    if next == *start {
                        last = Some(node);
                        break 'search;
                    }
                    if next > *start && next != first && !previous.contains_key(&next) {
                        previous.insert(next.clone(), node.clone());
                        queue.push_back(next);
                    }
                }
            }
            let Some(mut node) = last else {
                continue;
            };
            let mut path = vec![node.clone()];
            while node != first {
                node = previous[&node].clone();
                path.push(node.clone());
            }
            path.push(start.clone());
            path.reverse();
            found.push(path);
        }
    }
    found
}

fn describe(graph: &Graph, cycle: &[String]) -> String {
    let mut text = format!("  {} → {}\n", cycle.join(" → "), cycle[0]);
    for (i, from) in cycle.iter().enumerate() {
        let to = &cycle[(i + 1) % cycle.len()];
        let seen = &graph[from][to];
        let places: Vec<String> = seen
            .iter()
            .take(3)
            .map(|(file, line)| format!("src/{}:{line}", file.display()))
            .collect();
        let more = seen.len().saturating_sub(3);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        text.push_str(&format!("    {from} → {to}: {}{more}\n", places.join(", ")));
    }
    text
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    let graph = module_graph(&src());
    let cycles = cycles(&graph);
    let report: String = cycles.iter().map(|c| describe(&graph, c)).collect();
    assert!(
        cycles.is_empty(),
        "import cycles between top-level modules of src (each edge with where it is used):\n{report}"
    );
}

#[test]
fn the_reader_finds_grouped_and_inline_paths_but_not_comments() {
    let text = strip_comments(
        "use crate::auth::{self, X};\n\
         use crate::{config::{A, B}, model};\n\
         // crate::demo in a comment\n\
         /* crate::tui */ let url = \"https://x//\"; let s = crate::shop::f();\n\
         let t = my_crate::platforms::x; $crate::net::y;\n",
    );
    let found = crate_references(&text);
    assert_eq!(
        found,
        [
            ("auth".to_owned(), 1),
            ("config".to_owned(), 2),
            ("model".to_owned(), 2),
            ("shop".to_owned(), 4),
        ]
    );
}

#[test]
fn a_two_module_loop_and_a_longer_one_are_both_reported() {
    let mut graph = Graph::new();
    for (from, to) in [
        ("a", "b"),
        ("b", "a"),
        ("c", "d"),
        ("d", "e"),
        ("e", "c"),
        ("a", "c"),
    ] {
        graph
            .entry(from.to_owned())
            .or_default()
            .insert(to.to_owned(), vec![(PathBuf::from("x.rs"), 1)]);
    }
    assert_eq!(
        cycles(&graph),
        [
            vec!["a".to_owned(), "b".to_owned()],
            vec!["c".to_owned(), "d".to_owned(), "e".to_owned()]
        ]
    );
}

// Inside the TUI: the files of src/tui as modules, and the `super::` and `crate::tui::` paths
// between them. Test code (`*_tests.rs` files and `#[cfg(test)]` blocks) is left out: a test may
// drive `update` from any module without making the modules lean on each other.

/// The module path of a file below src (`tui::panes::orders` for src/tui/panes/orders/mod.rs).
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let mut path: Vec<String> = relative
        .components()
        .filter_map(|c| c.as_os_str().to_str().map(str::to_owned))
        .collect();
    if let Some(last) = path.pop() {
        let stem = last.strip_suffix(".rs").unwrap_or(&last).to_owned();
        if stem != "mod" {
            path.push(stem);
        }
    }
    path
}

/// The text without its `#[cfg(test)]` items (a `mod tests { … }` block, or `mod tests;`).
fn strip_test_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let block = after.find('{');
        let semicolon = after.find(';');
        let end = match (block, semicolon) {
            (Some(open), Some(semi)) if semi < open => semi + 1,
            (Some(open), _) => (open + 1 + closing_brace(&after[open + 1..]) + 1).min(after.len()),
            (None, Some(semi)) => semi + 1,
            (None, None) => after.len(),
        };
        // Keep the line count, so evidence lines stay right.
        out.extend(after[..end].chars().filter(|c| *c == '\n'));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The modules of `known` that `text` (the code of module `here`) names through `super::` or
/// `crate::tui::`, each with its line: the longest known module the path starts with.
fn tui_references(
    text: &str,
    here: &[String],
    known: &BTreeSet<Vec<String>>,
) -> Vec<(Vec<String>, usize)> {
    let mut found = Vec::new();
    for (prefix, base) in [
        ("super::", None),
        ("crate::tui::", Some(vec!["tui".to_owned()])),
    ] {
        let mut from = 0;
        while let Some(at) = text[from..].find(prefix) {
            let start = from + at;
            from = start + prefix.len();
            if text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| is_ident(c) || c == '$' || c == ':')
            {
                continue; // part of a longer path (`super::super::` is read from its start)
            }
            let line = text[..start].matches('\n').count() + 1;
            let mut module = base
                .clone()
                .unwrap_or_else(|| here[..here.len().saturating_sub(1)].to_vec());
            let mut rest = &text[from..];
            while let Some(next) = rest.strip_prefix("super::") {
                module.pop();
                rest = next;
            }
            let mut heads = Vec::new();
            let mut path = module.clone();
            loop {
                if let Some(group) = rest.strip_prefix('{') {
                    let end = closing_brace(group);
                    heads.extend(group_heads(&group[..end]).into_iter().map(|h| {
                        let mut p = path.clone();
                        p.push(h);
                        p
                    }));
                    path.clear(); // the group's entries are the modules named, not its base
                    break;
                }
                let head: String = rest.chars().take_while(|c| is_ident(*c)).collect();
                if head.is_empty() {
                    break;
                }
                path.push(head.clone());
                rest = &rest[head.len()..];
                match rest.strip_prefix("::") {
                    Some(next) => rest = next,
                    None => break,
                }
            }
            heads.push(path);
            for mut target in heads {
                while !target.is_empty() && !known.contains(&target) {
                    target.pop();
                }
                if !target.is_empty() && target != here {
                    found.push((target, line));
                }
            }
        }
    }
    found
}

fn tui_graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(&src.join("tui"), &mut files);
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| !f.to_string_lossy().ends_with("_tests.rs"))
        .collect();
    let known: BTreeSet<Vec<String>> = files.iter().map(|f| module_path(src, f)).collect();
    let mut graph = Graph::new();
    for file in &files {
        let here = module_path(src, file);
        let text = std::fs::read_to_string(file).expect("read a source file");
        let code = strip_test_code(&strip_comments(&text));
        for (to, line) in tui_references(&code, &here, &known) {
            let relative = file.strip_prefix(src).unwrap_or(file).to_path_buf();
            graph
                .entry(here.join("::"))
                .or_default()
                .entry(to.join("::"))
                .or_default()
                .push((relative, line));
        }
    }
    graph
}

#[test]
fn no_import_cycle_inside_the_tui_and_no_pane_imports_app() {
    let graph = tui_graph(&src());
    // The reader sees the edges that are there (a reader that finds none would pass anything).
    for (from, to) in [
        ("tui::app", "tui::commands"),
        ("tui::commands", "tui::state"),
        ("tui::panes::orders::list", "tui::panes::orders::detail"),
        ("tui::panes::reorder_view", "tui::panes::reorder"),
    ] {
        assert!(
            graph.get(from).is_some_and(|e| e.contains_key(to)),
            "expected {from} → {to} in {graph:#?}"
        );
    }
    let cycles = cycles(&graph);
    let report: String = cycles.iter().map(|c| describe(&graph, c)).collect();
    assert!(cycles.is_empty(), "import cycles inside src/tui:\n{report}");
    let pane_uses_app: Vec<String> = graph
        .iter()
        .filter(|(from, _)| from.starts_with("tui::panes"))
        .filter_map(|(from, to)| to.get("tui::app").map(|seen| format!("{from}: {seen:?}")))
        .collect();
    assert!(
        pane_uses_app.is_empty(),
        "panes import app: {pane_uses_app:?}"
    );
}

#[test]
fn the_tui_reader_resolves_super_and_groups_and_skips_test_code() {
    let known: BTreeSet<Vec<String>> = [
        "tui",
        "tui::app",
        "tui::ctx",
        "tui::panes",
        "tui::panes::orders",
        "tui::panes::orders::list",
        "tui::panes::orders::detail",
    ]
    .iter()
    .map(|m| m.split("::").map(str::to_owned).collect())
    .collect();
    let here: Vec<String> = ["tui", "panes", "orders", "list"]
        .map(str::to_owned)
        .to_vec();
    let text = strip_test_code(&strip_comments(
        "use super::detail::View;\n\
         use crate::tui::{ctx::Ctx, panes};\n\
         let x = super::super::super::app::update;\n\
         #[cfg(test)]\nmod tests { use crate::tui::app::update; }\n\
         // use crate::tui::app;\n",
    ));
    let found: Vec<String> = tui_references(&text, &here, &known)
        .into_iter()
        .map(|(module, line)| format!("{}:{line}", module.join("::")))
        .collect();
    // The line 2 group gives two modules; the test module and the comment give none.
    assert_eq!(
        found,
        [
            "tui::panes::orders::detail:1",
            "tui::app:3",
            "tui::ctx:2",
            "tui::panes:2"
        ]
    );
}
