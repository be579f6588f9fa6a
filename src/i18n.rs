//! The words of the reports' own frame (headings, labels) in English and Japanese.
//! Catalog texts carry their own translations; this is everything around them.

use crate::catalog::{Category, Lang, Retry};
use crate::event::{Action, Status};

/// A value shown to a person: in English its contract name (`conflict`, `failure`), in
/// Japanese the word an administrator reads. Machine formats (JSON, NDJSON, CSV) keep the
/// English names whatever the language.
pub trait Label: Copy {
    fn label(self, lang: Lang) -> &'static str;
}

impl Label for Category {
    fn label(self, lang: Lang) -> &'static str {
        if lang == Lang::En {
            return self.as_str();
        }
        match self {
            Category::Auth => "認証",
            Category::Permission => "権限",
            Category::License => "ライセンス",
            Category::Conflict => "重複・競合",
            Category::NotFound => "対象なし",
            Category::InvalidData => "データ不正",
            Category::Throttling => "要求数の制限",
            Category::Limit => "上限超過",
            Category::Transient => "一時的な障害",
            Category::TargetConfig => "接続先の構成",
            Category::Scoping => "対象範囲外",
            Category::Internal => "内部エラー",
            Category::Unclassified => "未分類",
        }
    }
}

impl Label for Status {
    fn label(self, lang: Lang) -> &'static str {
        if lang == Lang::En {
            return self.as_str();
        }
        match self {
            Status::Success => "成功",
            Status::Failure => "失敗",
            Status::Skipped => "スキップ",
            Status::Warning => "警告",
            Status::Unknown => "不明",
        }
    }
}

impl Label for Action {
    fn label(self, lang: Lang) -> &'static str {
        if lang == Lang::En {
            return self.as_str();
        }
        match self {
            Action::Create => "作成",
            Action::Update => "更新",
            Action::Delete => "削除",
            Action::Disable => "無効化",
            Action::StagedDelete => "段階的な削除",
            Action::Other => "その他",
            Action::Unknown => "不明",
        }
    }
}

impl Label for Retry {
    fn label(self, lang: Lang) -> &'static str {
        if lang == Lang::En {
            return self.as_str();
        }
        match self {
            Retry::Automatic => "自動",
            Retry::NextCycle => "次のサイクル",
            Retry::Manual => "手動",
            Retry::None => "なし",
        }
    }
}

/// A readable label for a fact's name (a parsed fact or a catalog pattern's capture):
/// the common ones in both languages, any other spelled out from its name
/// (`fileName` → "File name").
pub fn fact_label(key: &str, lang: Lang) -> String {
    let known: Option<(&str, &str)> = match key {
        "target_message" => Some(("Message from the target", "ターゲットのメッセージ")),
        "scim_type" => Some(("SCIM error type", "SCIM エラーの種類")),
        "aadsts" => Some(("AADSTS code", "AADSTS コード")),
        "reason_phrase" => Some(("HTTP reason", "HTTP の理由")),
        "graph_code" => Some(("Graph error code", "Graph のエラー コード")),
        "record" => Some(("Record", "レコード")),
        "field" => Some(("Field", "フィールド")),
        "fileName" => Some(("File", "ファイル")),
        "apiEndPoint" => Some(("API endpoint", "API エンドポイント")),
        "attribute" => Some(("Attribute", "属性")),
        "attributes" => Some(("Attributes", "属性")),
        "value" => Some(("Value", "値")),
        "property" => Some(("Property", "プロパティ")),
        "message" => Some(("Message", "メッセージ")),
        "operation" => Some(("Operation", "操作")),
        "identity" => Some(("Identity", "対象")),
        "app" | "app_name" => Some(("App", "アプリ")),
        "app_id" => Some(("App ID", "アプリ ID")),
        "job_id" => Some(("Job ID", "ジョブ ID")),
        "error" => Some(("Error", "エラー")),
        "count" => Some(("Count", "件数")),
        "sku" => Some(("SKU", "SKU")),
        "service" => Some(("Service", "サービス")),
        "tenant" | "tenant_id" => Some(("Tenant", "テナント")),
        "resource" => Some(("Resource", "リソース")),
        "group" => Some(("Group", "グループ")),
        "object_type" => Some(("Object type", "オブジェクトの種類")),
        "account" | "account_id" => Some(("Account", "アカウント")),
        "address" => Some(("Address", "アドレス")),
        "email" => Some(("Email", "メール アドレス")),
        "status" => Some(("Status", "状態")),
        "trace_id" => Some(("Trace ID", "トレース ID")),
        "correlation_id" => Some(("Correlation ID", "相関 ID")),
        "timestamp" => Some(("Timestamp", "タイムスタンプ")),
        "length" => Some(("Length", "長さ")),
        "role" => Some(("Role", "ロール")),
        "plan" | "plans" | "service_plans" => Some(("Service plans", "サービス プラン")),
        "detail" => Some(("Detail", "詳細")),
        "identifierType" => Some(("Identifier type", "識別子の種類")),
        "entityType" => Some(("Entity type", "エンティティの種類")),
        "licenseType" => Some(("License type", "ライセンスの種類")),
        _ => None,
    };
    if let Some((en, ja)) = known {
        return if lang == Lang::En { en } else { ja }.to_owned();
    }
    // fileInArchive -> "File in archive", delete_count -> "Delete count".
    let mut words = String::new();
    for (i, c) in key.chars().enumerate() {
        if c == '_' || c == '-' {
            words.push(' ');
        } else if c.is_ascii_uppercase() && i > 0 {
            words.push(' ');
            words.push(c.to_ascii_lowercase());
        } else {
            words.push(c);
        }
    }
    let mut chars = words.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

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
        "no_events_window" => (
            "The time window was {since} … {until}; the input's events span {first} … {last}.",
            "指定した期間は {since} … {until} で、入力のイベントは {first} … {last} の範囲です。",
        ),
        "window_start" => ("the start", "最初"),
        "window_now" => ("now", "現在"),
        "no_times" => ("(no times)", "(日時なし)"),
        "groups_by_diagnosis" => ("Failures by diagnosis", "診断別の失敗"),
        "groups_by_diagnosis_skipped" => ("Skipped events by diagnosis", "診断別のスキップ"),
        "groups_by_diagnosis_events" => ("Events by diagnosis", "診断別のイベント"),
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
        "more_n" => ("+{n} more", "ほか {n} 件"),
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
        "cause" => ("Cause", "原因"),
        "source" => ("Source", "出典"),
        "template" => ("Message template", "メッセージの型"),
        "draft_hint" => (
            "Unclassified templates can be drafted into catalog entries: provlog catalog draft FILE > mine.toml, then fill in the texts and use --catalog mine.toml.",
            "カタログにない定型メッセージは、provlog catalog draft FILE > mine.toml でエントリの下書きにできます。説明と対処を書き込んでから --catalog mine.toml で読み込んでください。",
        ),
        "guesses" => (
            "Closest entries (guesses, not a match)",
            "近いエントリ (推測です。一致したわけではありません)",
        ),
        "guess_similarity" => ("similarity", "類似度"),
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
        "retry_none" => (
            "informational: nothing to fix, not retried",
            "情報のみです。対処は不要で、再試行もされません",
        ),
        // Priorities and persistent failures.
        "priority" => ("Priority", "優先度"),
        "priority_needs_action" => ("needs action", "要対応"),
        "priority_will_retry" => ("will retry", "自動で再試行"),
        "priority_informational" => ("informational", "情報のみ"),
        "persistent" => ("persistent", "件が継続"),
        "persistent_text" => (
            "{n} of {m} identities failed this way in two or more cycles (persistent).",
            "{m} 件中 {n} 件の対象が 2 サイクル以上で同じ失敗を繰り返しています (継続的な失敗)。",
        ),
        // Quarantine warnings.
        "warnings" => ("Warnings", "警告"),
        "warn_head" => (
            "Job {job} is at risk of quarantine",
            "ジョブ {job} は検疫 (quarantine) されるおそれがあります",
        ),
        "warn_cycle" => (
            "in cycle {cycle} ({first} … {last}), {failures} of {events} events failed ({share}%)",
            "サイクル {cycle} ({first} … {last}) で {events} 件中 {failures} 件が失敗しました ({share}%)",
        ),
        "warn_sep" => ("; ", "。"),
        "warn_config" => (
            "{n} of the {failures} failures are auth, permission or target-config failures",
            "失敗 {failures} 件のうち {n} 件が認証・権限・接続先設定 (auth, permission, target-config) の問題です",
        ),
        "warn_end" => (".", "。"),
        // Between sentences: Japanese runs them on.
        "sentence_sep" => (" ", ""),
        "warn_more_cycles" => (
            "{n} of this job's {m} cycles crossed the threshold.",
            "このジョブの {m} サイクル中 {n} サイクルがしきい値を超えています。",
        ),
        "warn_why" => (
            "Entra quarantines a job whose calls mostly fail, and then runs it far less often.",
            "Entra は呼び出しの大半が失敗するジョブを検疫し、実行頻度を大きく下げます。",
        ),
        "warn_check" => ("Check first", "まず確認すること"),
        "warn_entries" => ("Catalog entries", "該当するカタログ エントリ"),
        "list_sep" => ("; ", "、"),
        "check_credentials" => (
            "the credentials (secret token, client secret or certificate, and their expiry)",
            "資格情報 (シークレット トークン、クライアント シークレットや証明書と、その有効期限)",
        ),
        "check_target_url" => (
            "the target URL (tenant URL or SCIM endpoint, and that Entra can reach it)",
            "接続先 URL (テナント URL や SCIM エンドポイントと、Entra から到達できるか)",
        ),
        "check_admin_consent" => (
            "admin consent and the permissions granted to the app",
            "管理者の同意と、アプリに付与されたアクセス許可",
        ),
        // The cycle and attribute views.
        "groups_by_cycle" => ("Cycles", "サイクル別"),
        "cycle" => ("Cycle", "サイクル"),
        "events_col" => ("Events", "イベント数"),
        "top_diagnoses" => ("Top diagnoses", "主な診断"),
        "at_risk" => ("at risk of quarantine", "検疫のおそれ"),
        "groups_by_attribute" => (
            "invalid-data and conflict failures by attribute",
            "属性別の invalid-data / conflict の失敗",
        ),
        "attribute" => ("Attribute", "属性"),
        "offending_value" => ("Value", "問題の値"),
        "detail" => ("Detail", "詳細"),
        "not_named" => ("(not named in the message)", "(メッセージに属性名なし)"),
        "outside_view" => (
            "Not shown here, as they are not invalid-data or conflict failures (see --group-by diagnosis): {n} selected events.",
            "invalid-data / conflict 以外のため、ここに表示していない対象イベント (--group-by diagnosis を参照): {n} 件",
        ),
        // provlog diff.
        "diff_title" => (
            "Provisioning failures: what changed",
            "プロビジョニングの失敗: 変化の一覧",
        ),
        "old_export" => ("Old export", "旧エクスポート"),
        "new_export" => ("New export", "新エクスポート"),
        "overlap" => ("Overlap", "重複"),
        "overlap_text" => (
            "failing events found in both exports, counted once: {n}",
            "両方のエクスポートに含まれる失敗イベント (1 件として数えます): {n} 件",
        ),
        "changes" => ("Changes", "変化"),
        "diff_change" => ("Change", "変化"),
        "change_new" => ("new", "新規"),
        "change_persisting" => ("persisting", "継続"),
        "change_resolved" => ("resolved", "解消"),
        "came_and_went" => (
            "{n} failed and recovered inside one export, not listed",
            "{n} 件は 1 つのエクスポート内で失敗後に回復したため表示していません",
        ),
        "failures_word" => ("failures", "件の失敗"),
        "successes_word" => ("successes", "件の成功"),
        "failures_old_new" => ("Failures (old/new)", "失敗数 (旧/新)"),
        "last_failure" => ("Last failure", "最後の失敗"),
        "note" => ("Note", "備考"),
        "resolved_success" => ("succeeded at {t}", "{t} に成功"),
        "resolved_absence" => ("did not come back", "再発なし"),
        "no_changes" => (
            "No failure is new, persisting or resolved between these exports.",
            "これらのエクスポート間で新規・継続・解消の失敗はありません。",
        ),
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
        // The HTML report (`{n}`, `{m}`, `{x}` are filled in by the renderer).
        "html_summary" => ("Summary", "概要"),
        "html_events" => ("Events", "イベント"),
        "html_selected_n" => ("{n} selected", "うち抽出 {n} 件"),
        "html_failures" => ("Failures", "失敗"),
        "html_warnings_n" => ("and {n} warnings", "ほかに警告 {n} 件"),
        "html_of_events" => ("{n} of all events", "全イベントの {n}"),
        "html_success_rate" => ("Success rate", "成功率"),
        "html_success_note" => (
            "{n} of {m} changes (skipped not counted)",
            "{m} 件中 {n} 件 (スキップを除く)",
        ),
        "html_newest" => ("Newest event", "最新イベント"),
        "html_cycles" => ("Cycles", "サイクル"),
        "html_diagnoses" => ("Diagnoses", "診断"),
        "html_unclassified_n" => (
            "{n} events not in the catalog",
            "カタログに該当しないもの {n} 件",
        ),
        "html_unclassified_n1" => (
            "{n} event not in the catalog",
            "カタログに該当しないもの {n} 件",
        ),
        "html_all_known" => ("every failure is in the catalog", "すべてカタログに該当"),
        "html_more_n" => ("+{n} more", "ほか {n} 件"),
        "html_noise_n" => (
            "{n} successful updates changed only accountDisabled (logged whether or not it changed) and are counted as noise.",
            "成功した更新のうち {n} 件は accountDisabled のみの変更 (値が変わらなくても記録される) で、ノイズとして数えています。",
        ),
        "html_rejected_n" => (
            "{n} records could not be read.",
            "{n} 件のレコードを読み込めませんでした。",
        ),
        "html_timeline" => ("Failures over time", "失敗の推移"),
        "html_timeline_note" => (
            "Selected events that did not succeed, per {x}, stacked by diagnosis category. Times are UTC.",
            "成功しなかった抽出イベントの {x} ごとの件数 (診断カテゴリ別の積み上げ)。日時は UTC。",
        ),
        "html_untimed_n" => (
            "{n} events without a time are not in the chart.",
            "日時のない {n} 件はグラフに含まれていません。",
        ),
        "html_numbers" => ("The numbers", "数値を表示"),
        "html_per_hour" => ("hour", "1 時間"),
        "html_per_day" => ("day", "1 日"),
        "html_per_week" => ("week (from Monday)", "1 週間 (月曜始まり)"),
        "html_bucket_start" => ("From (UTC)", "開始 (UTC)"),
        "html_total" => ("Total", "合計"),
        "html_top" => ("Top diagnoses", "主な診断"),
        "html_top_groups" => ("Largest groups", "主なグループ"),
        "html_top_note" => (
            "Events per diagnosis. Select a bar for the explanation and what to do.",
            "診断ごとの件数。バーを選ぶと説明と対処に移動します。",
        ),
        "html_top_groups_note" => ("Events per {x}.", "{x} ごとの件数。"),
        "html_more_groups_n" => (
            "{n} smaller groups are listed below.",
            "ほかの {n} グループは下に記載しています。",
        ),
        "html_cycles_title" => ("Provisioning cycles", "プロビジョニング サイクル"),
        "html_cycles_note" => (
            "Every event read, per cycle, newest first. The top diagnosis counts the selected events.",
            "読み込んだ全イベントのサイクル別集計 (新しい順)。主な診断は抽出したイベントから数えています。",
        ),
        "html_cycle" => ("Cycle", "サイクル"),
        "html_start" => ("Start (UTC)", "開始 (UTC)"),
        "html_duration" => ("Duration", "所要時間"),
        "html_top_diagnosis" => ("Top diagnosis", "主な診断"),
        "html_no_cycle" => ("(no cycle id)", "(サイクル ID なし)"),
        "html_older_cycles_n" => (
            "{n} older cycles are not shown.",
            "古い {n} サイクルは省略しています。",
        ),
        "html_events_n" => ("{n} events", "{n} 件"),
        "html_events_n1" => ("{n} event", "{n} 件"),
        "html_identities_n" => ("{n} identities", "対象 {n} 件"),
        "html_identities_n1" => ("{n} identity", "対象 {n} 件"),
        "html_codes" => ("Error codes", "エラー コード"),
        "html_affected_n" => ("Affected identities ({n})", "影響を受けた対象 ({n} 件)"),
        "html_show_all_n" => ("Show all {n}", "{n} 件すべてを表示"),
        "html_and_more_n" => ("and {n} more", "ほか {n} 件"),
        "html_last_event" => ("Last event (UTC)", "最終イベント (UTC)"),
        "html_dropped_n" => (
            "{n} further events of identities beyond this list are not shown.",
            "この一覧より先の対象の {n} 件は表示していません。",
        ),
        "html_none" => ("(none)", "(なし)"),
        "html_reasons" => (
            "Reasons as the service logged them",
            "サービスが記録した理由 (原文)",
        ),
        "html_all_events" => ("Selected events", "抽出したイベント"),
        "html_rows_cut_n" => (
            "{n} further events are not shown; use --format csv for all of them.",
            "ほか {n} 件は表示していません。すべて見るには --format csv を使ってください。",
        ),
        "html_generated" => (
            "Generated by provlog {x} from the export alone; nothing was sent anywhere. Times are UTC.",
            "provlog {x} がエクスポートのみから作成しました (外部への送信なし)。日時は UTC です。",
        ),
        "html_unit_d" => ("d", "日"),
        "html_unit_h" => ("h", "時間"),
        "html_unit_min" => ("min", "分"),
        "html_unit_s" => ("s", "秒"),
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
            "no_events_window",
            "groups_by_diagnosis_skipped",
            "groups_by_diagnosis_events",
            "window_start",
            "window_now",
            "no_times",
            "cause",
            "source",
            "template",
            "draft_hint",
            "guesses",
            "guess_similarity",
            "retry_manual",
            "priority",
            "priority_needs_action",
            "priority_will_retry",
            "priority_informational",
            "retry_none",
            "persistent_text",
            "warnings",
            "warn_head",
            "warn_cycle",
            "warn_config",
            "warn_more_cycles",
            "warn_why",
            "warn_check",
            "warn_entries",
            "check_credentials",
            "check_target_url",
            "check_admin_consent",
            "groups_by_cycle",
            "top_diagnoses",
            "at_risk",
            "groups_by_attribute",
            "offending_value",
            "not_named",
            "outside_view",
            "diff_title",
            "old_export",
            "new_export",
            "overlap_text",
            "change_new",
            "change_persisting",
            "change_resolved",
            "came_and_went",
            "failures_old_new",
            "last_failure",
            "resolved_success",
            "resolved_absence",
            "no_changes",
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
        // Templates keep their placeholders in both languages.
        for key in [
            "warn_cycle",
            "warn_config",
            "outside_view",
            "came_and_went",
            "overlap_text",
        ] {
            for p in ["{n}", "{cycle}", "{failures}", "{events}", "{share}"] {
                assert_eq!(
                    t(Lang::En, key).contains(p),
                    t(Lang::Ja, key).contains(p),
                    "{key} {p}"
                );
            }
        }
    }
}
