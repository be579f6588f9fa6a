//! Console exports: the IIJ ID Service job list and CloudGate UNO's operation logs
//! (provisioning history, bulk-processing history) as CSV tables, kept cell for cell, and
//! the columns that matter found from the headers.
//!
//! Neither vendor documents the CSV headers of these downloads, so columns are found by
//! loose aliases (normalised as in `fields::normalize_header`: case, spaces, punctuation
//! and bracketed parts ignored), English and Japanese, and the user can name the message
//! column when none fits. Nothing here knows the catalog.

use super::fields::normalize_header;

/// A console export read into memory (they are small), every cell as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleCsv {
    pub headers: Vec<String>,
    pub rows: Vec<ConsoleRow>,
    pub delimiter: u8,
    /// Spreadsheet rows (the header is row 1) whose cell count differed from the header
    /// and were padded with empty cells so that every row has the same width.
    pub ragged: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleRow {
    /// The row as a spreadsheet numbers it: the header is row 1, whatever line breaks
    /// the cells hold.
    pub row: u64,
    pub cells: Vec<String>,
}

/// Reads decoded text as CSV. The delimiter is taken from the header line: a comma, or a
/// tab (Excel's "Unicode text") or semicolon when those outnumber commas there.
pub fn parse(text: &str) -> Result<ConsoleCsv, String> {
    let delimiter = sniff_delimiter(text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| match e.position() {
            Some(p) => format!("line {}: {}", p.line(), csv_reason(&e)),
            None => csv_reason(&e),
        })?;
        records.push((
            i as u64 + 1,
            rec.iter().map(str::to_owned).collect::<Vec<_>>(),
        ));
    }
    let mut records = records.into_iter();
    let Some((_, mut headers)) = records.next() else {
        return Err("the file is empty: there is no header row".to_owned());
    };
    let mut rows: Vec<ConsoleRow> = records
        .map(|(row, cells)| ConsoleRow { row, cells })
        .collect();
    let width = rows
        .iter()
        .map(|r| r.cells.len())
        .chain([headers.len()])
        .max()
        .unwrap_or(0);
    let mut ragged = Vec::new();
    for r in &mut rows {
        if r.cells.len() != headers.len() {
            ragged.push(r.row);
        }
        r.cells.resize(width, String::new());
    }
    headers.resize(width, String::new());
    Ok(ConsoleCsv {
        headers,
        rows,
        delimiter,
        ragged,
    })
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        // The text is a &str, so the reader cannot meet invalid UTF-8; anything else is
        // described by the crate.
        _ => e.to_string(),
    }
}

fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ';' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    if counts[1] > counts[0] && counts[1] >= counts[2] {
        b'\t'
    } else if counts[2] > counts[0] {
        b';'
    } else {
        b','
    }
}

/// The columns `explain --csv` reads; the others are carried through untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub message: usize,
    /// IIJ's job type (`validate.user`, `export.msonline_user`, …).
    pub job_type: Option<usize>,
    /// IIJ's operation (`csv_validation`, `create`, …), or CloudGate's operation.
    pub operation: Option<usize>,
    /// The service a CloudGate row went to (Office 365, Google Workspace, …).
    pub service: Option<usize>,
    pub status: Option<usize>,
}

/// Message headers, best first. Whole-header matches are tried first for every alias;
/// only then a header that contains one of the specific ones (`エラーメッセージ（英語）`).
const MESSAGE: &[&str] = &[
    "message",
    "メッセージ",
    "errormessage",
    "エラーメッセージ",
    "エラー内容",
    "エラー詳細",
    "errordetails",
    "errordetail",
    "詳細",
    "details",
    "detail",
    "詳細情報",
    "結果詳細",
    "内容",
    "error",
    "エラー",
    "reason",
    "理由",
    "失敗理由",
    "エラー理由",
    "failurereason",
    "statusmessage",
    "resultmessage",
    "description",
    "説明",
];

/// The aliases specific enough to be found inside a longer header.
const MESSAGE_WITHIN: &[&str] = &[
    "message",
    "メッセージ",
    "エラー内容",
    "エラー詳細",
    "errordetail",
    "詳細",
    "reason",
];

/// Headers naming identifiers, codes and times are never the message, even when they
/// contain a message word (`Message ID`, `詳細コード`).
const NOT_MESSAGE_ENDINGS: &[&str] = &[
    "id",
    "code",
    "コード",
    "番号",
    "no",
    "日時",
    "時刻",
    "date",
    "time",
];

const JOB_TYPE: &[&str] = &[
    "type",
    "種別",
    "ジョブ種別",
    "jobtype",
    "タイプ",
    "ジョブタイプ",
    "種類",
    "ジョブの種類",
    "処理種別",
    "task",
    "タスク",
];

const OPERATION: &[&str] = &[
    "operation",
    "操作",
    "オペレーション",
    "操作内容",
    "処理",
    "処理内容",
    "action",
    "アクション",
];

const SERVICE: &[&str] = &[
    "service",
    "サービス",
    "サービス名",
    "servicename",
    "servicedisplayname",
    "サービスプロバイダー",
    "サービスプロバイダ",
    "serviceprovider",
    "provider",
    "プロバイダー",
    "プロバイダー名",
    "対象サービス",
    "連携先",
    "連携サービス",
    "targetservice",
];

const STATUS: &[&str] = &[
    "status",
    "ステータス",
    "状態",
    "結果",
    "result",
    "処理結果",
    "実行結果",
    "状況",
];

/// Finds the columns. `forced` names the message column (its exact header, else the same
/// header loosely). The error lists the headers that were seen.
pub fn find_columns(headers: &[String], forced: Option<&str>) -> Result<Columns, String> {
    let norm: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let message = match forced {
        Some(name) => headers
            .iter()
            .position(|h| h.trim() == name.trim())
            .or_else(|| {
                let want = normalize_header(name);
                (!want.is_empty())
                    .then(|| norm.iter().position(|n| *n == want))
                    .flatten()
            })
            .ok_or_else(|| {
                format!(
                    "no column named {:?}; the headers are: {}",
                    name,
                    list(headers)
                )
            })?,
        None => find_message(&norm).ok_or_else(|| {
            format!(
                "no message column found (looked for Message, メッセージ, エラー内容, 詳細, Error, Reason and similar); the headers are: {}; name the column with --column",
                list(headers)
            )
        })?,
    };
    let mut taken = vec![message];
    let mut pick = |aliases: &[&str]| {
        let found = find_exact(&norm, aliases, &taken);
        taken.extend(found);
        found
    };
    let job_type = pick(JOB_TYPE);
    let operation = pick(OPERATION);
    let service = pick(SERVICE);
    let status = pick(STATUS);
    Ok(Columns {
        message,
        job_type,
        operation,
        service,
        status,
    })
}

fn list(headers: &[String]) -> String {
    if headers.is_empty() {
        return "(none)".to_owned();
    }
    // Debug quoting shows empty headers and escapes control characters.
    headers
        .iter()
        .map(|h| format!("{h:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn find_exact(norm: &[String], aliases: &[&str], taken: &[usize]) -> Option<usize> {
    aliases.iter().find_map(|a| {
        norm.iter()
            .enumerate()
            .find(|(i, n)| n.as_str() == *a && !taken.contains(i))
            .map(|(i, _)| i)
    })
}

fn find_message(norm: &[String]) -> Option<usize> {
    find_exact(norm, MESSAGE, &[]).or_else(|| {
        MESSAGE_WITHIN.iter().find_map(|a| {
            norm.iter()
                .position(|n| n.contains(a) && !NOT_MESSAGE_ENDINGS.iter().any(|e| n.ends_with(e)))
        })
    })
}

/// A status cell that says the operation succeeded (`成功`, `Success`, …). Such a row
/// whose message matches nothing is not reported as unclassified: its message is
/// information, not an error.
pub fn is_success(status: &str) -> bool {
    matches!(
        normalize_header(status).as_str(),
        "success" | "succeeded" | "successful" | "ok" | "成功" | "正常" | "正常終了"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn iij_and_cloudgate_headers_are_recognised() {
        let c = find_columns(
            &h(&["ジョブID", "種別", "操作", "状態", "開始日時", "メッセージ"]),
            None,
        )
        .expect("found");
        assert_eq!(c.message, 5);
        assert_eq!(c.job_type, Some(1));
        assert_eq!(c.operation, Some(2));
        assert_eq!(c.status, Some(3));
        assert_eq!(c.service, None);

        let c = find_columns(
            &h(&[
                "日時",
                "管理者",
                "ユーザーID",
                "サービス",
                "操作",
                "結果",
                "詳細",
            ]),
            None,
        )
        .expect("found");
        assert_eq!(c.message, 6);
        assert_eq!(c.service, Some(3));
        assert_eq!(c.operation, Some(4));
        assert_eq!(c.status, Some(5));

        let c =
            find_columns(&h(&["Job ID", "Type", "Operation", " Message "]), None).expect("found");
        assert_eq!(c.message, 3);
        assert_eq!(c.job_type, Some(1));
        assert_eq!(c.operation, Some(2));
    }

    #[test]
    fn the_most_specific_message_header_wins() {
        // 詳細 and エラー内容 both fit; エラー内容 is the better alias wherever it stands.
        let c = find_columns(&h(&["詳細", "行番号", "エラー内容"]), None).expect("found");
        assert_eq!(c.message, 2);
        // Contained aliases count only when no header matches whole, and never in ids.
        let c = find_columns(&h(&["Message ID", "エラーメッセージ（英語）"]), None).expect("found");
        assert_eq!(c.message, 1);
        assert!(find_columns(&h(&["Message ID", "Time"]), None).is_err());
    }

    #[test]
    fn forced_column_and_the_error_listing_headers() {
        let headers = h(&["A", "Note", "B"]);
        let c = find_columns(&headers, Some("Note")).expect("found");
        assert_eq!(c.message, 1);
        let c = find_columns(&headers, Some("note")).expect("found loosely");
        assert_eq!(c.message, 1);
        let e = find_columns(&headers, None).expect_err("no message column");
        assert!(e.contains(r#""A", "Note", "B""#), "{e}");
        assert!(e.contains("--column"), "{e}");
        let e = find_columns(&headers, Some("Message")).expect_err("no such column");
        assert!(e.starts_with(r#"no column named "Message""#), "{e}");
    }

    #[test]
    fn parse_keeps_cells_and_pads_ragged_rows() {
        let t = "a,b,c\r\n1,\"x, \"\"y\"\"\nz\",3\r\n4,5\r\n\r\n6,7,8,9\r\n";
        let c = parse(t).expect("parses");
        assert_eq!(c.headers, h(&["a", "b", "c", ""]));
        assert_eq!(c.rows.len(), 3);
        assert_eq!(c.rows[0].cells, h(&["1", "x, \"y\"\nz", "3", ""]));
        assert_eq!(c.rows[0].row, 2);
        assert_eq!(c.rows[1].cells, h(&["4", "5", "", ""]));
        assert_eq!(c.rows[2].row, 4);
        assert_eq!(c.ragged, vec![3, 4]);
        assert!(parse("").is_err());
    }

    #[test]
    fn delimiter_follows_the_header_line() {
        assert_eq!(sniff_delimiter("a\tb\tc\nx,y,z"), b'\t');
        assert_eq!(sniff_delimiter("\"a,b\"\tc\td"), b'\t');
        assert_eq!(sniff_delimiter("a;b;c"), b';');
        assert_eq!(sniff_delimiter("a,b;c"), b',');
        let c = parse("種別\tメッセージ\nvalidate.user\tUser does not exist.\n").expect("tsv");
        assert_eq!(c.rows[0].cells[1], "User does not exist.");
    }

    #[test]
    fn success_words() {
        assert!(is_success("成功"));
        assert!(is_success(" Success "));
        assert!(is_success("正常終了"));
        assert!(!is_success("失敗"));
        assert!(!is_success("エラー"));
        assert!(!is_success(""));
    }
}
