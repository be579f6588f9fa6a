//! The words of the reports' own frame (headings, labels) in English and Japanese.
//! Catalog texts carry their own translations; this is everything around them.

use crate::catalog::Lang;

/// Returns the label for `key` in `lang`. Unknown keys come back unchanged, which a test
/// guards against.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    let (en, ja) = match key {
        "inputs" => ("Inputs", "入力"),
        "events_read" => ("Events read", "読み込んだイベント"),
        "rejected" => ("rejected", "読み込めず"),
        "damaged" => ("kept with unreadable fields", "一部の項目を読めずに保持"),
        "time_span" => ("Time span", "期間"),
        "newest" => ("newest event", "最新イベント"),
        "by_status" => ("By status", "状態別"),
        "by_action" => ("By action", "操作別"),
        "noise" => (
            "only accountDisabled (noise)",
            "accountDisabled のみ (ノイズ)",
        ),
        "selected" => ("Selected", "対象"),
        "events" => ("events", "件"),
        "event" => ("event", "件"),
        "apps" => ("Apps", "アプリ"),
        "cycles" => ("cycles", "サイクル"),
        "no_events" => ("No events match.", "条件に一致するイベントはありません。"),
        "groups_by_diagnosis" => ("Failures by diagnosis", "診断別の失敗"),
        "groups_by" => ("Events grouped by", "グループ化:"),
        "count" => ("Count", "件数"),
        "category" => ("Category", "カテゴリ"),
        "diagnosis" => ("Diagnosis", "診断"),
        "code" => ("Code", "コード"),
        "title" => ("Title", "概要"),
        "identities" => ("Identities", "対象ID"),
        "change_ids" => ("Change IDs", "変更ID"),
        "what_to_do" => ("What to do", "対処"),
        "retry" => ("Retry", "再試行"),
        "retried" => ("retried up to", "再試行回数 最大"),
        "times" => ("times", "回"),
        "next_retry" => ("next retry", "次回の再試行"),
        "more" => ("more", "件ほか"),
        "docs" => ("Docs", "資料"),
        "file_failed" => ("could not be read completely", "一部を読み込めませんでした"),
        "status" => ("Status", "状態"),
        "action" => ("Action", "操作"),
        "time" => ("Time", "日時"),
        "app" => ("App", "アプリ"),
        "identity" => ("Identity", "対象"),
        "reason" => ("Reason", "理由"),
        "key" => ("Key", "キー"),
        "report_title" => ("Provisioning log report", "プロビジョニング ログ レポート"),
        "explanation" => ("Explanation", "説明"),
        "matched_by" => ("Matched by", "一致の根拠"),
        "facts" => ("Facts", "抽出した情報"),
        "system" => ("System", "システム"),
        "no_match" => (
            "No catalog entry matches this input. Try `provlog catalog list` to browse the entries.",
            "この入力に一致するカタログ エントリはありません。`provlog catalog list` で一覧を確認できます。",
        ),
        "also_matches" => ("Other entries that also match", "ほかに一致したエントリ"),
        // explain --csv
        "file" => ("File", "ファイル"),
        "encoding" => ("encoding", "文字コード"),
        "message_column" => ("Message column", "メッセージ列"),
        "task_columns" => ("Job type / operation", "種別 / 操作"),
        "service_column" => ("Service column", "サービス列"),
        "rows" => ("Rows", "行数"),
        "row_unit" => ("rows", "行"),
        "row_unit_one" => ("row", "行"),
        "diagnosed" => ("diagnosed", "診断あり"),
        "not_in_catalog" => ("not in the catalog", "カタログに該当なし"),
        "no_message" => ("without a message", "メッセージなし"),
        "succeeded" => ("succeeded", "成功"),
        "rows_by_diagnosis" => ("Rows by diagnosis", "診断別の行"),
        "row_numbers" => ("Rows", "行"),
        "message" => ("Message", "メッセージ"),
        "no_rows" => (
            "No row has a message to diagnose.",
            "診断するメッセージのある行はありません。",
        ),
        "id" => ("ID", "ID"),
        "entries" => ("entries", "件"),
        "catalog_version" => ("Catalog version", "カタログのバージョン"),
        "retry_automatic" => ("retries by itself", "自動で再試行されます"),
        "retry_next_cycle" => (
            "retried each cycle, keeps failing until fixed",
            "サイクルごとに再試行されますが、修正するまで失敗し続けます",
        ),
        "retry_manual" => ("needs a person", "手動での対応が必要です"),
        "show_hint" => (
            "Everything about one change, ready for a ticket",
            "1 件の変更の詳細 (チケットに貼り付け可能)",
        ),
        "change" => ("Change", "変更"),
        "summary_tab" => ("Summary", "概要"),
        "troubleshooting" => (
            "Troubleshooting & recommendations",
            "トラブルシューティングと推奨事項",
        ),
        "steps" => ("Steps", "ステップ"),
        "modified_properties" => ("Modified properties", "変更されたプロパティ"),
        "time_utc" => ("Time (UTC)", "日時 (UTC)"),
        "job_id" => ("Job ID", "ジョブ ID"),
        "cycle_id" => ("Cycle ID", "サイクル ID"),
        "change_id" => ("Change ID", "変更 ID"),
        "event_id" => ("Event ID", "イベント ID"),
        "tenant_id" => ("Tenant ID", "テナント ID"),
        "duration" => ("Duration", "所要時間"),
        "initiated_by" => ("Initiated by", "開始者"),
        "source_system" => ("Source system", "ソース システム"),
        "source_identity" => ("Source identity", "ソース ID"),
        "target_system" => ("Target system", "ターゲット システム"),
        "target_identity" => ("Target identity", "ターゲット ID"),
        "error_code" => ("Error code", "エラー コード"),
        "error_category" => ("Error category", "エラー カテゴリ"),
        "additional_details" => ("Additional details", "追加の詳細"),
        "recommended_action" => ("Recommended action", "推奨されるアクション"),
        "http_status" => ("HTTP status", "HTTP ステータス"),
        "retry_count" => ("Retries so far", "これまでの再試行回数"),
        "next_retry_at" => ("Next retry", "次回の再試行"),
        "target_error_code" => ("Error code from the target", "ターゲットのエラー コード"),
        "request_id" => ("Request ID", "要求 ID"),
        "field" => ("Field", "項目"),
        "value" => ("Value", "値"),
        "fact" => ("Fact", "項目"),
        "property" => ("Property", "プロパティ"),
        "old_value" => ("Old value", "変更前の値"),
        "new_value" => ("New value", "変更後の値"),
        "none" => ("(none)", "(なし)"),
        "no_error" => (
            "No error was logged for this change.",
            "この変更にはエラーが記録されていません。",
        ),
        "no_steps" => (
            "The input holds no steps for this change.",
            "入力にはこの変更のステップが含まれていません。",
        ),
        "no_properties" => (
            "No modified properties.",
            "変更されたプロパティはありません。",
        ),
        "noise_note" => (
            "Only accountDisabled is listed: Entra logs it on every update, whether or not it changed.",
            "accountDisabled のみが記録されています。Entra は値が変わらなくても更新のたびにこれを記録します。",
        ),
        "redacted_note" => (
            "Personal data in this report was replaced by pseudonyms (provlog --redact); the same token stands for the same value.",
            "このレポートの個人情報は仮名に置き換えています (provlog --redact)。同じトークンは同じ値を表します。",
        ),
        _ => return key,
    };
    match lang {
        Lang::En => en,
        Lang::Ja => ja,
    }
}

/// The user's language from `LC_ALL`, `LC_MESSAGES` or `LANG`: Japanese when it starts
/// with `ja`, else English.
pub fn lang_from_env(get: impl Fn(&str) -> Option<String>) -> Lang {
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Some(v) = get(var).filter(|v| !v.is_empty()) {
            return if v.to_ascii_lowercase().starts_with("ja") {
                Lang::Ja
            } else {
                Lang::En
            };
        }
    }
    Lang::En
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_follows_locale_variables_in_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(lang_from_env(env(&[("LANG", "ja_JP.UTF-8")])), Lang::Ja);
        assert_eq!(
            lang_from_env(env(&[("LC_ALL", "C"), ("LANG", "ja_JP.UTF-8")])),
            Lang::En
        );
        assert_eq!(lang_from_env(env(&[])), Lang::En);
    }

    #[test]
    fn labels_exist_in_both_languages() {
        for key in [
            "inputs",
            "time_span",
            "what_to_do",
            "no_match",
            "retry_manual",
            "show_hint",
            "troubleshooting",
            "modified_properties",
            "time_utc",
            "source_identity",
            "redacted_note",
        ] {
            assert_ne!(t(Lang::En, key), key);
            assert_ne!(t(Lang::Ja, key), t(Lang::En, key));
        }
    }
}
