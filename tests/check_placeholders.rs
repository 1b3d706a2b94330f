//! `engc check` only looks the documents through for placeholders and keeps none
//! (`Options::only_placeholders`): it must find what building them all finds.

use crate::generate;

use engc::backend::{emit, placeholders, Target};
use engc::{compile, Input, Options};
use std::collections::BTreeSet;

fn all() -> BTreeSet<Target> {
    Target::ALL.into_iter().collect()
}

fn compile_text(
    name: &str,
    bytes: Vec<u8>,
    path: Option<std::path::PathBuf>,
    o: &Options,
) -> engc::Compilation {
    compile(
        vec![Input {
            name: name.to_string(),
            path,
            bytes,
        }],
        &engc::loader::DiskLoader,
        o,
    )
}

/// Every example, every target: the placeholders found without keeping the documents
/// are those of the built documents, with the same paths in the same order.
#[test]
fn placeholders_of_examples_equal_those_of_built_documents() {
    let mut some = 0;
    for path in generate::example_paths() {
        let bytes = std::fs::read(&path).unwrap();
        let c = compile_text("x.eng", bytes, Some(path.clone()), &Options::default());
        let model = c
            .model
            .unwrap_or_else(|| panic!("{} compiles", path.display()));
        let built = engc::check::placeholders::find(&emit(&model, &all()));
        let found = placeholders(&model, &all());
        assert_eq!(found, built, "{}", path.display());
        some += usize::from(!found.is_empty());
    }
    assert!(some > 0, "some example leaves a parameter unset");
}

/// Every file of `tests/cases` that compiles, and levels whose AWS resources and
/// conditions hold placeholders beside levels whose hold none (the
/// check builds only the former's AWS documents): what is found without keeping the
/// documents is what the built documents hold.
#[test]
fn placeholders_of_cases_equal_those_of_built_documents() {
    let mut texts: Vec<(String, Vec<u8>, Option<std::path::PathBuf>)> =
        generate::eng_paths("tests/cases")
            .into_iter()
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap(), Some(p)))
            .collect();
    let levels = "deployment d {\n  clouds aws, gcp\n  param bucket, tag\n}\n\
        principal p {\n  aws role \"arn:aws:iam::111122223333:role/p\"\n}\n\
        access plain for p {\n  aws allow [\"s3:GetObject\"] on \"arn:aws:s3:::plain/*\"\n}\n\
        access resource for p {\n  aws allow [\"s3:GetObject\"] on \"arn:aws:s3:::${bucket}/*\"\n}\n\
        access condition for p {\n  aws allow [\"s3:GetObject\"] on \"arn:aws:s3:::c/*\"\n    \
        when StringEquals \"aws:ResourceTag/team\" = \"${tag}\"\n}\n";
    texts.push(("levels.eng".into(), levels.as_bytes().to_vec(), None));
    let mut compiled = 0;
    let mut aws = 0;
    for (name, bytes, path) in texts {
        let c = compile_text(&name, bytes, path, &Options::default());
        let Some(model) = c.model else { continue };
        compiled += 1;
        let built = engc::check::placeholders::find(&emit(&model, &all()));
        let found = placeholders(&model, &all());
        assert_eq!(found, built, "{name}");
        aws += found
            .values()
            .flatten()
            .filter(|p| p.starts_with("aws/") && p.contains(".policy"))
            .count();
    }
    assert!(compiled > 100, "most cases compile: {compiled}");
    assert!(aws > 0, "some AWS policy holds a placeholder");
}

/// The diagnostics of a check (documents looked through) and of a build (documents
/// kept) are the same, W0117 included, and a check returns no document.
#[test]
fn check_reports_what_build_reports() {
    let header =
        "deployment big {\n  clouds aws, gcp, azure\n  managed_tag \"big/managed\" = \"true\"\n  \
                  name_prefix \"big\"\n  param external_id, client_id\n}\n\nstore data: bucket\n\n";
    let mut texts: Vec<(String, Vec<u8>, Option<std::path::PathBuf>)> = generate::example_paths()
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap(), Some(p)))
        .collect();
    let levels = format!("{header}{}", generate::access_levels(60));
    texts.push(("levels.eng".into(), levels.into_bytes(), None));
    let mut w0117 = 0;
    for (name, bytes, path) in texts {
        for strict in [false, true] {
            let build = Options {
                outputs: Some(all()),
                strict,
                ..Options::default()
            };
            let check = Options {
                only_placeholders: true,
                ..build.clone()
            };
            let b = compile_text(&name, bytes.clone(), path.clone(), &build);
            let c = compile_text(&name, bytes.clone(), path.clone(), &check);
            assert_eq!(
                engc::render::plain(&c.sources, &c.diagnostics),
                engc::render::plain(&b.sources, &b.diagnostics),
                "{name}"
            );
            assert!(c.outputs.is_empty(), "{name}");
            w0117 += b
                .diagnostics
                .iter()
                .filter(|d| d.code.as_str() == "W0117")
                .count();
        }
    }
    assert!(w0117 > 0, "some input leaves a placeholder");
}

/// The GCP documents, AWS trust policies and role files (built only when one of their
/// strings holds `$`), whose placeholders are read from the model without building them: every string they are written from holds a parameter (names
/// with `-` too, which the scripts write `_`), with and without a service account, an
/// `@` in it, impersonators, custom and predefined roles, bindings with conditions.
#[test]
fn placeholders_of_gcp_documents_and_trust_policies_equal_those_built() {
    let text = "deployment d {\n  clouds aws, gcp\n  param ext-id, sa, imp, role-x, bucket-n, who, cel, ttl, arn-a, tag, ip\n}\n\
        principal withsa {\n  aws role \"arn:aws:iam::111122223333:role/${arn-a}\" external_id \"${ext-id}\"\n  \
        aws trust service \"ec2.amazonaws.com\"\n  aws instance_profile \"${ip}\"\n  \
        gcp service_account \"${sa}\"\n    impersonated_by \"serviceAccount:${imp}@x.iam.gserviceaccount.com\"\n}\n\
        principal email {\n  gcp service_account \"svc@${sa}.iam.gserviceaccount.com\"\n}\n\
        principal nosa {\n  aws role \"arn:aws:iam::111122223333:role/plain\"\n}\n\
        access custom for withsa unscoped \"r\" {\n  title \"T ${ttl}\"\n  description \"D ${tag}\"\n  \
        gcp permissions [\"storage.objects.get\"]\n  gcp role \"projects/${role-x}/roles/custom\"\n  \
        gcp bind \"roles/storage.objectViewer\" on bucket \"${bucket-n}\" to \"user:${who}@example.com\" when \"${cel}\" as \"${ttl}\"\n}\n\
        access predefined for email unscoped \"r\" {\n  gcp role \"roles/viewer\"\n  \
        gcp bind \"roles/storage.objectViewer\" on bucket \"bucket-b\"\n}\n\
        access bindonly for email unscoped \"r\" {\n  gcp bind \"roles/storage.objectViewer\" on bucket \"${bucket-n}\" to \"user:${who}@example.com\"\n}\n\
        access other for nosa unscoped \"r\" {\n  \
        gcp bind \"projects/${role-x}/roles/b\" on project \"proj-123\" to \"user:${who}@example.com\"\n}\n";
    let c = compile_text(
        "gcp.eng",
        text.as_bytes().to_vec(),
        None,
        &Options::default(),
    );
    let model = c.model.unwrap_or_else(|| {
        panic!(
            "compiles: {}",
            engc::render::plain(&c.sources, &c.diagnostics)
        )
    });
    let built = engc::check::placeholders::find(&emit(&model, &all()));
    let found = placeholders(&model, &all());
    assert_eq!(found, built);
    let paths: Vec<&String> = found.values().flatten().collect();
    for doc in [
        "aws/withsa.trust.json",
        "aws/withsa.role.json",
        "gcp/custom.role.json",
        "gcp/custom.bindings.json",
        "gcp/custom.impersonation.json",
        "gcp/custom.bindings.sh",
        "gcp/custom.resource-bindings.json",
        "gcp/bindonly.bindings.sh",
        "gcp/other.bindings.sh",
    ] {
        assert!(paths.iter().any(|p| *p == doc), "{doc} holds a placeholder");
    }
    assert!(found.contains_key("ext-id") && found.contains_key("role_x"));
}
