//! gen-console-fixtures: writes the console-export fixtures under `fixtures/console/`,
//! each table in the three encodings Japanese administrators meet:
//!
//! - `*.utf8-bom.csv`: UTF-8 with a byte-order mark, comma-separated (Excel's
//!   "CSV UTF-8", and what web consoles usually serve);
//! - `*.utf16le.csv`: UTF-16 LE with a byte-order mark, tab-separated (Excel's
//!   "Unicode text", its only UTF-16 output);
//! - `*.sjis.csv`: Shift_JIS (CP932), comma-separated (Excel's plain "CSV" on Japanese
//!   Windows).
//!
//! ```text
//! cargo run --example gen-console-fixtures
//! ```
//!
//! All with CRLF line ends. The messages are the vendors' own (exact strings from
//! `shared/reference/catalog-facts.md` §2–3 and the seed documents); the other cells are
//! made up; the header names are plausible ones, because neither vendor publishes the
//! headers of these downloads. Names with CP932-only characters (髙, ㈱, ①) check that
//! Shift_JIS is read as Windows writes it.

use std::fs;
use std::path::Path;

use encoding_rs::SHIFT_JIS;

struct Fixture {
    name: &'static str,
    headers: &'static [&'static str],
    rows: &'static [&'static [&'static str]],
}

const IIJ_JOBS: Fixture = Fixture {
    name: "iij-job-list",
    headers: &[
        "ジョブID",
        "種別",
        "操作",
        "状態",
        "開始日時",
        "終了日時",
        "対象",
        "メッセージ",
    ],
    rows: &[
        &[
            "J20261124-000101",
            "validate.user",
            "csv_validation",
            "エラー",
            "2026/11/24 09:00:12",
            "2026/11/24 09:00:14",
            "users_20261124.csv (3行目)",
            "Maximum size of family_name_yomi has been exceeded.",
        ],
        &[
            "J20261124-000101",
            "validate.user",
            "csv_validation",
            "エラー",
            "2026/11/24 09:00:12",
            "2026/11/24 09:00:14",
            "users_20261124.csv (5行目)",
            "Format of byod_phone_number is invalid.",
        ],
        &[
            "J20261124-000101",
            "validate.user",
            "csv_validation",
            "エラー",
            "2026/11/24 09:00:12",
            "2026/11/24 09:00:14",
            "users_20261124.csv (8行目)",
            "login_id is a required parameter.",
        ],
        &[
            "J20261124-000102",
            "validate.user",
            "integrity_check",
            "エラー",
            "2026/11/24 09:05:40",
            "2026/11/24 09:05:41",
            "users_20261124.csv",
            "User integrity check: Error",
        ],
        &[
            "J20261124-000103",
            "validate.group",
            "csv_validation",
            "エラー",
            "2026/11/24 09:10:02",
            "2026/11/24 09:10:03",
            "groups_20261124.csv (2行目)",
            "Group does not exist.",
        ],
        &[
            "J20261124-000104",
            "validate.group_member",
            "csv_validation",
            "エラー",
            "2026/11/24 09:12:30",
            "2026/11/24 09:12:31",
            "members_20261124.csv (4行目)",
            "User does not exist.",
        ],
        &[
            "J20261124-000110",
            "import.msonline_user",
            "check_limit",
            "エラー",
            "2026/11/24 10:00:00",
            "2026/11/24 10:02:51",
            "Microsoft 365 (contoso.onmicrosoft.com)",
            "Import process was aborted because the maximum account removal rate has been exceeded. [Number of accounts to be deleted/Number of linked accounts at time of import: 120/800]",
        ],
        &[
            "J20261124-000111",
            "export.msonline_user",
            "create",
            "エラー",
            "2026/11/24 10:30:00",
            "2026/11/24 10:30:09",
            "髙橋 一郎 (takahashi.ichiro@contoso.co.jp)",
            "Failed to create users in Azure AD [Error details: code: Request_BadRequest, message: Another object with the same value for property onPremisesImmutableId already exists., requestId: 3f1c2a4e-7b7d-4c5e-9a51-0c3d8e2b6f10]",
        ],
        &[
            "J20261124-000111",
            "export.msonline_user",
            "update",
            "エラー",
            "2026/11/24 10:30:00",
            "2026/11/24 10:30:09",
            "佐藤 花子 (sato.hanako@contoso.co.jp)",
            "Failed to update users in Azure AD [Error details:  Mobile number can not convert ]",
        ],
        &[
            "J20261124-000112",
            "export.msonline_user",
            "validate",
            "エラー",
            "2026/11/24 11:00:00",
            "2026/11/24 11:00:01",
            "Microsoft 365 (contoso.onmicrosoft.com)",
            "There is a problem with the provisioning API settings.",
        ],
        &[
            "J20261124-000113",
            "export.msonline_group_member",
            "add",
            "エラー",
            "2026/11/24 11:30:00",
            "2026/11/24 11:30:04",
            "営業第一部 / 鈴木 次郎",
            "Failed to add member to the 営業第一部 Azure AD group [Error details: message: User not found]",
        ],
        &[
            "J20261124-000114",
            "export.msonline_license",
            "update",
            "エラー",
            "2026/11/24 12:00:00",
            "2026/11/24 12:00:06",
            "鈴木 次郎 (suzuki.jiro@contoso.co.jp)",
            "Failed to update user license in Azure AD [Error details: code: Request_BadRequest, message: Subscription with SKU 6fd2c87f-b296-42f0-b197-1e91e994b900 does not have any available licenses., requestId: 4d2f7c1a-3b5e-4f60-8a71-92c3d4e5f601]",
        ],
        &[
            "J20261124-000114",
            "export.msonline_license",
            "update",
            "エラー",
            "2026/11/24 12:00:00",
            "2026/11/24 12:00:06",
            "㈱コントソ 出向者 ① (tanaka.mai@contoso.co.jp)",
            "Failed to update user license in Azure AD [Error details: code: Request_BadRequest, message: License assignment failed because service plans 9aaf7827-d63c-4b61-89c3-182f06f82e5c,6fd2c87f-b296-42f0-b197-1e91e994b900 are mutually exclusive, requestId: 0b6c1d2e-3f40-4a51-b627-38c9d0e1f2a3]",
        ],
        &[
            "J20261124-000115",
            "export.scim_group_member",
            "add",
            "エラー",
            "2026/11/24 12:30:00",
            "2026/11/24 12:30:02",
            "情報システム部 / 伊藤 翔",
            "Failed to add members to 情報システム部 SCIM server group. [Error details: User not found ]",
        ],
        &[
            "J20261124-000116",
            "import.msonline_user",
            "import",
            "正常終了",
            "2026/11/24 13:00:00",
            "2026/11/24 13:01:12",
            "Microsoft 365 (contoso.onmicrosoft.com)",
            "",
        ],
        &[
            "J20261124-000117",
            "export.msonline_user",
            "delete",
            "エラー",
            "2026/11/24 13:30:00",
            "2026/11/24 13:30:03",
            "山本 健 (yamamoto.ken@contoso.co.jp)",
            "The job was cancelled by the administrator.",
        ],
    ],
};

const CLOUDGATE_PROVISIONING: Fixture = Fixture {
    name: "cloudgate-provisioning-history",
    headers: &[
        "日時",
        "操作者",
        "ユーザーID",
        "サービス",
        "操作",
        "結果",
        "詳細",
    ],
    rows: &[
        &[
            "2026/11/24 10:15:03",
            "admin@example.co.jp",
            "yamada.taro",
            "Office 365",
            "ユーザー作成",
            "失敗",
            "Bad Request (400) Property userPrincipalName is invalid",
        ],
        &[
            "2026/11/24 10:16:40",
            "admin@example.co.jp",
            "suzuki.ken",
            "Office 365",
            "ユーザー更新",
            "失敗",
            "Forbidden (403) Insufficient privileges to complete the operation",
        ],
        &[
            "2026/11/24 10:18:22",
            "admin@example.co.jp",
            "kato.yui",
            "Office 365",
            "ユーザー更新",
            "失敗",
            "Not Found (404) Resource 'kato.yui@example.co.jp' does not exist or one of its queried reference-property objects are not present",
        ],
        &[
            "2026/11/24 10:20:05",
            "admin@example.co.jp",
            "ito.shun",
            "Office 365",
            "ライセンス適用",
            "失敗",
            "Bad Request (400) License assignment failed because service plan 5dbe027f-2339-4123-9542-606e4d348a72 depends on the service plan(s) 33c4f319-9bdd-48d6-9c4d-410b750a4a5a",
        ],
        &[
            "2026/11/24 10:21:47",
            "admin@example.co.jp",
            "watanabe.mio",
            "Office 365",
            "ライセンス更新",
            "失敗",
            "Bad Request (400) License assignment failed because service plans 9aaf7827-d63c-4b61-89c3-182f06f82e5c,6fd2c87f-b296-42f0-b197-1e91e994b900 are mutually exclusive ,service plans",
        ],
        &[
            "2026/11/24 10:23:10",
            "admin@example.co.jp",
            "nakamura.ryo",
            "Office 365",
            "ライセンス適用",
            "失敗",
            "Bad Request (400) Subscription with SKU 6fd2c87f-b296-42f0-b197-1e91e994b900 does not have any available licenses",
        ],
        &[
            "2026/11/24 10:30:00",
            "admin@example.co.jp",
            "kobayashi.aoi",
            "Office 365",
            "ユーザー作成",
            "失敗",
            "Unauthorized (401) invalid_client AADSTS7000222: The provided client secret keys for app '3c1f0b5e-1111-2222-3333-444455556666' are expired. Visit the Azure portal to create new keys for your app. Trace ID: 0a1b2c3d-0000-1111-2222-333344445555 Error validating credentials.",
        ],
        &[
            "2026/11/24 11:02:13",
            "admin@example.co.jp",
            "yoshida.sora",
            "Google Workspace",
            "ユーザー作成",
            "失敗",
            "duplicate (409) Entity already exists.",
        ],
        &[
            "2026/11/24 11:04:55",
            "admin@example.co.jp",
            "yamaguchi.kai",
            "Google Workspace",
            "ユーザー更新",
            "失敗",
            "badRequest (400) Type not supported: userKey",
        ],
        &[
            "2026/11/24 11:10:31",
            "admin@example.co.jp",
            "sales-team",
            "Google Workspace",
            "グループ更新",
            "失敗",
            "notFound (404) Resource Not Found: groupKey",
        ],
        &[
            "2026/11/24 11:12:08",
            "admin@example.co.jp",
            "eigyo@example.jp",
            "Google Workspace",
            "グループ作成",
            "失敗",
            "notFound (404) Domain not found",
        ],
        &[
            "2026/11/24 11:20:00",
            "admin@example.co.jp",
            "mori.kenta",
            "Office 365",
            "ユーザー作成",
            "成功",
            "",
        ],
        &[
            "2026/11/24 11:21:30",
            "admin@example.co.jp",
            "mori.kenta",
            "Google Workspace",
            "プロビジョニングテスト",
            "成功",
            "Google Workspaceのプロビジョニングテストが成功しました。",
        ],
        &[
            "2026/11/24 11:25:42",
            "㈱髙木商事 管理者",
            "takagi.rin",
            "Box",
            "ユーザー作成",
            "失敗",
            "Box へのユーザー作成に失敗しました。(item_name_in_use)",
        ],
    ],
};

const CLOUDGATE_BULK: Fixture = Fixture {
    name: "cloudgate-bulk-history",
    headers: &["行番号", "ユーザーID", "処理区分", "エラー内容"],
    rows: &[
        &[
            "2",
            "tanaka.yuki",
            "ユーザー追加",
            "既に存在するユーザーIDが指定されました",
        ],
        &[
            "3",
            "ito.mei",
            "ユーザー追加",
            "存在しない組織が指定されました",
        ],
        &[
            "4",
            "sato.ren",
            "ユーザー追加",
            "存在しないセキュリティプロファイルが指定されました",
        ],
        &[
            "5",
            "abe.hina",
            "サービスアカウント追加",
            "ユーザーは既にOffice 365アカウントを持っています",
        ],
        &[
            "6",
            "abe.hina",
            "サービスアカウント追加",
            "指定したプロバイダー名が存在しません",
        ],
        &[
            "7",
            "ueda.sho",
            "サービスアカウント追加",
            "存在しないOffice 365ライセンスプロファイルが指定されました",
        ],
    ],
};

fn csv_text(f: &Fixture, delimiter: u8) -> Result<String, Box<dyn std::error::Error>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(f.headers)?;
    for row in f.rows {
        assert_eq!(row.len(), f.headers.len(), "{}: row width", f.name);
        w.write_record(*row)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/console");
    fs::create_dir_all(&dir)?;
    for f in [&IIJ_JOBS, &CLOUDGATE_PROVISIONING, &CLOUDGATE_BULK] {
        let comma = csv_text(f, b',')?;
        let mut utf8 = "\u{feff}".as_bytes().to_vec();
        utf8.extend(comma.as_bytes());
        fs::write(dir.join(format!("{}.utf8-bom.csv", f.name)), utf8)?;

        let tab = csv_text(f, b'\t')?;
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(tab.encode_utf16().flat_map(|u| u.to_le_bytes()));
        fs::write(dir.join(format!("{}.utf16le.csv", f.name)), utf16)?;

        let (sjis, _, unmappable) = SHIFT_JIS.encode(&comma);
        if unmappable {
            return Err(format!("{}: a character has no Shift_JIS form", f.name).into());
        }
        // Shift_JIS has characters with two Unicode readings (the wave dash); the
        // fixtures must decode back to exactly what was written.
        let (back, _, bad) = SHIFT_JIS.decode(&sjis);
        if bad || back != comma {
            return Err(format!("{}: Shift_JIS does not round-trip", f.name).into());
        }
        fs::write(dir.join(format!("{}.sjis.csv", f.name)), &sjis)?;
        println!("{}: {} rows", f.name, f.rows.len());
    }
    Ok(())
}
