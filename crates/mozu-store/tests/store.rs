//! Store: migrations, idempotent ingest, clustering replay, read-back.

use mozu_campaign::synth::Generator;
use mozu_model::MessageRecord;
use mozu_store::Store;

fn corpus(n: usize) -> Vec<MessageRecord> {
    Generator::new(7, n).map(|m| m.to_record()).collect()
}

#[test]
fn ingest_is_idempotent_and_campaigns_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/mozu.db");
    let records = corpus(1200);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), 2);
    let first = store.ingest(&records).unwrap();
    assert_eq!(first.added, 1200);
    assert!(store.is_dirty().unwrap());
    let report = store.ensure_clustered().unwrap().expect("clustered");
    assert_eq!(report.messages, 1200);
    assert!(report.campaigns >= 8, "{report:?}");
    assert!(!store.is_dirty().unwrap());
    assert!(store.ensure_clustered().unwrap().is_none());
    let before = store.campaigns_with_members().unwrap();

    // The same messages again, and a re-delivered copy (new hash, same
    // Message-ID, Date and From): nothing new.
    let again = store.ingest(&records).unwrap();
    assert_eq!((again.added, again.duplicates), (0, 1200));
    let mut copy = records[0].clone();
    copy.sha256 = "f".repeat(64);
    copy.source.path = "elsewhere/copy.eml".into();
    assert_eq!(store.ingest(&[copy]).unwrap().duplicates, 1);
    assert_eq!(store.message_count().unwrap(), 1200);
    assert_eq!(store.sighting_count().unwrap(), 1201);
    drop(store);

    // Reopened: same schema, same campaigns, members with their sources.
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert!(store.ensure_clustered().unwrap().is_none());
    let after = store.campaigns_with_members().unwrap();
    assert_eq!(before, after);
    let biggest = &after[0];
    assert_eq!(biggest.size as usize, biggest.messages.len());
    let shown = store.campaign(&biggest.id[..6]).unwrap().expect("prefix finds it");
    assert_eq!(shown.id, biggest.id);
    assert!(
        shown
            .messages
            .iter()
            .all(|m| m.source.as_ref().is_some_and(|s| s.path.starts_with("synthetic/")))
    );
    let links = store.links(&biggest.id, 5).unwrap();
    assert!(!links.is_empty() && links.iter().all(|l| !l.reasons.is_empty()));
    let rec = store.message(&records[0].sha256).unwrap().expect("record stored");
    assert_eq!(rec, records[0]);
}

#[test]
fn incremental_batches_give_the_same_campaigns_as_one_batch() {
    let dir = tempfile::tempdir().unwrap();
    let records = corpus(600);
    let mut one = Store::open(&dir.path().join("one.db")).unwrap();
    one.ingest(&records).unwrap();
    one.recluster().unwrap();
    let mut many = Store::open(&dir.path().join("many.db")).unwrap();
    for chunk in records.chunks(97) {
        many.ingest(chunk).unwrap();
        many.recluster().unwrap();
    }
    let a = one.campaigns_with_members().unwrap();
    let b = many.campaigns_with_members().unwrap();
    assert!(!a.is_empty());
    assert_eq!(a, b);
}
