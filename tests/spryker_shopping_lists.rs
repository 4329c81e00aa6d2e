//! Spryker B2B shopping lists against the demo shop's Glue emulator over real HTTP on loopback:
//! `GET /shopping-lists` with items and products included, through Prism's validating proxy with
//! the B2B demo shop's Glue schema (tests/specs/spryker/spryker_rest_api.b2b.schema.yml); a list
//! ordered again by `shopterm reorder --shopping-list NAME` (the real binary) through the same
//! review as a past order, its discontinued line left out; and a B2C shop, which has none.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use shopterm::model::*;
use shopterm::reorder::{Blocker, Draft};
use shopterm::shop::{Feature, ShopError};
use std::path::Path;
use support::platform::{PlatformSetup, SPRYKER};

/// The B2B schema as Prism reads it: `oneOf` → `anyOf`, as for the B2C file (its included
/// resources' schemas are loose, so a resource matches several; see tests/specs/README.md).
fn b2b_spec(dir: &Path) -> std::path::PathBuf {
    let published = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/specs/spryker/spryker_rest_api.b2b.schema.yml"
    ));
    let text = std::fs::read_to_string(published).expect("the published B2B specification");
    let path = dir.join("spryker_rest_api.b2b.checked.yml");
    std::fs::write(&path, text.replace("oneOf:", "anyOf:")).expect("the checked copy");
    path
}

async fn history_size(setup: &PlatformSetup) -> u64 {
    setup
        .with_buyer_in_store(|store, customer| {
            Ok(store
                .orders(customer, &PageRequest::first(1))?
                .total
                .unwrap_or(0))
        })
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_b2b_buyers_two_lists_follow_the_b2b_glue_specification() {
    let base = PlatformSetup::new(&SPRYKER).await;
    let upstream = base.shop_url();
    let spec = b2b_spec(base.dir.path());
    let prism = tokio::task::spawn_blocking(move || support::prism::Prism::start(&spec, &upstream))
        .await
        .unwrap();
    let setup = base.through(&prism.base_url);
    let shop = setup.buyer_shop().await;
    assert!(shop.capabilities().supports(Feature::ShoppingLists));

    let lists = shop
        .shopping_lists()
        .await
        .expect("the lists through Prism");
    let names: Vec<&str> = lists.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Workshop restock", "Safety kit"]);
    let kit = &lists[1];
    let items: Vec<(&str, u32)> = kit
        .items
        .iter()
        .map(|i| (i.code.as_str(), i.quantity))
        .collect();
    assert_eq!(
        items,
        [("ATS-EP200", 10), ("ATS-SG-CLR", 5), ("KST-WL10", 1)]
    );
    assert!(
        kit.items
            .iter()
            .all(|i| i.name.as_deref().is_some_and(|n| !n.is_empty())),
        "each item's product name is included: {kit:?}"
    );
    assert_eq!(kit.owner.as_deref(), Some("Katrin Vogel"));

    // One list by id, and the collection without includes, through Prism too.
    let token = setup.access_token();
    let client = support::demo::http();
    for path in [
        format!(
            "/shopping-lists/{}?include=shopping-list-items,concrete-products",
            kit.id
        ),
        "/shopping-lists".to_owned(),
    ] {
        let answer = client
            .get(format!("{}{path}", prism.base_url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let status = answer.status();
        let body = answer.text().await.unwrap();
        assert_eq!(status, 200, "{path}: {body}\nPrism: {}", prism.log_text());
    }
    let missing = client
        .get(format!("{}/shopping-lists/no-such-list", prism.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(
        prism.violations().is_empty(),
        "Prism found violations: {:?}",
        prism.violations()
    );

    // The list as a repeat order's draft: today's prices and stock, the discontinued line
    // blocked (shown, not sent).
    let mut draft = Draft::from_shopping_list(kit);
    draft.resolve(&*shop).await.expect("lookups through Prism");
    assert_eq!(draft.lines[2].blocker(), Some(Blocker::Discontinued));
    assert!(draft.lines[..2].iter().all(|l| l.product().is_some()));
    assert_eq!(
        draft.to_new_order().note.as_deref(),
        Some("Shopping list Safety kit")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_b2c_shop_has_no_shopping_lists() {
    let setup = PlatformSetup::new(&SPRYKER).await;
    shopterm::demo::emulators::spryker::set_b2c(&setup.demo.state, true);
    let shop = setup.buyer_shop().await;
    let refused = shop.shopping_lists().await.unwrap_err();
    assert!(
        matches!(refused, ShopError::Unsupported(Feature::ShoppingLists)),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("shopping lists"), "{refused}");
    shopterm::demo::emulators::spryker::set_b2c(&setup.demo.state, false);
    assert_eq!(shop.shopping_lists().await.unwrap().len(), 2, "B2B again");
}

/// `shopterm reorder --shopping-list "safety kit" --yes --json`: the review lists every line
/// (the discontinued one blocked), the shop gets the others, and the order is the newest in the
/// history; an unknown list is refused with the names there are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shopping_list_is_ordered_again_from_the_command_line() {
    let setup = PlatformSetup::new(&SPRYKER).await;
    let login = support::demo::buyer();
    let sandbox = support::sandbox::Sandbox::new();
    let url = format!("{}/spryker", setup.demo.base_url);
    sandbox
        .run_with_stdin(
            &[
                "login",
                &url,
                "-p",
                "glue",
                "--platform",
                "spryker",
                "--email",
                &login.email,
                "--password-stdin",
            ],
            Some(&format!("{}\n", login.password)),
        )
        .await
        .assert_ok();
    let before = history_size(&setup).await;

    let unknown = sandbox
        .run(&[
            "-p",
            "glue",
            "reorder",
            "--shopping-list",
            "Garden",
            "--yes",
        ])
        .await;
    assert_eq!(unknown.status.code(), Some(4), "{}", unknown.all_output());
    assert!(
        unknown
            .stderr
            .contains("no shopping list Garden (there are: Workshop restock, Safety kit)"),
        "{}",
        unknown.all_output()
    );

    let review = sandbox
        .run(&[
            "-p",
            "glue",
            "reorder",
            "--shopping-list",
            "safety kit",
            "--dry-run",
        ])
        .await;
    assert!(review.status.success(), "{}", review.all_output());
    assert!(
        review
            .stdout
            .contains("Shopping list Safety kit at today's prices and stock")
            && review.stdout.contains("no longer sold"),
        "{}",
        review.stdout
    );

    let sent = sandbox
        .run(&[
            "-p",
            "glue",
            "reorder",
            "--shopping-list",
            "safety kit",
            "--yes",
            "--json",
        ])
        .await;
    assert!(sent.status.success(), "{}", sent.all_output());
    let report: serde_json::Value = serde_json::from_str(&sent.stdout).expect("JSON");
    assert_eq!(report["result"], "sent", "{report}");
    assert_eq!(report["shopping_list"], "Safety kit");
    let blocked: Vec<&str> = report["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter(|l| l["send"] == false)
        .filter_map(|l| l["code"].as_str())
        .collect();
    assert_eq!(blocked, ["KST-WL10"], "{report}");
    assert_eq!(history_size(&setup).await, before + 1);
    let (number, lines) = setup
        .with_buyer_in_store(|store, customer| {
            let newest = store.orders(customer, &PageRequest::first(1))?.items[0]
                .number
                .clone();
            let detail = store.order(customer, &newest)?;
            Ok((
                newest,
                detail
                    .lines
                    .iter()
                    .map(|l| (l.code.to_string(), l.quantity))
                    .collect::<Vec<_>>(),
            ))
        })
        .await;
    assert_eq!(report["order"]["number"], number.as_str());
    let mut lines = lines;
    lines.sort();
    assert_eq!(
        lines,
        [("ATS-EP200".to_owned(), 10), ("ATS-SG-CLR".to_owned(), 5)]
    );

    // A B2C shop: not available there (exit status 7), nothing sent.
    shopterm::demo::emulators::spryker::set_b2c(&setup.demo.state, true);
    let b2c = sandbox
        .run(&[
            "-p",
            "glue",
            "reorder",
            "--shopping-list",
            "Safety kit",
            "--yes",
        ])
        .await;
    shopterm::demo::emulators::spryker::set_b2c(&setup.demo.state, false);
    assert_eq!(b2c.status.code(), Some(7), "{}", b2c.all_output());
    assert!(
        b2c.stderr.contains("hopping lists") && b2c.stderr.contains("not available"),
        "{}",
        b2c.all_output()
    );
    assert_eq!(history_size(&setup).await, before + 1);
}
