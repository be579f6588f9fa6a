//! The words of the reports' own frame (headings, labels) in English and Japanese.
//! Catalog texts carry their own translations; this is everything around them.

use crate::catalog::{Category, Retry};
use crate::event::{Action, Status};

/// The language of everything provlog writes for a person: the reports' frame (here) and
/// the catalog's texts (each entry carries both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    En,
    Ja,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }
}

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

macro_rules! messages {
    ($($(#[$doc:meta])* $name:ident => ($en:expr, $ja:expr $(,)?)),* $(,)?) => {
        /// Every sentence and label of the reports' own frame. A message is a variant, so a
        /// misspelt or missing one is a compile error; each has its English and Japanese.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($(#[$doc])* $name),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$name, Lang::En) => $en, (Msg::$name, Lang::Ja) => $ja,)*
                }
            }
        }
    };
}

messages! {
        Inputs => ("Inputs", "入力"),
        EventsRead => ("Events read", "読み込んだイベント"),
        Rejected => ("rejected", "読み込めず"),
        Damaged => ("kept with unreadable fields", "一部の項目を読めずに保持"),
        TimeSpan => ("Time span", "期間"),
        Newest => ("newest event", "最新イベント"),
        ByStatus => ("By status", "状態別"),
        ByAction => ("By action", "操作別"),
        Noise => (
            "only accountDisabled (noise)",
            "accountDisabled のみ (ノイズ)",
        ),
        Selected => ("Selected", "対象"),
        Events => ("events", "件"),
        Event => ("event", "件"),
        Apps => ("Apps", "アプリ"),
        Cycles => ("cycles", "サイクル"),
        NoEvents => ("No events match.", "条件に一致するイベントはありません。"),
        NoEventsWindow => (
            "The time window was {since} … {until}; the input's events span {first} … {last}.",
            "指定した期間は {since} … {until} で、入力のイベントは {first} … {last} の範囲です。",
        ),
        WindowStart => ("the start", "最初"),
        WindowNow => ("now", "現在"),
        NoTimes => ("(no times)", "(日時なし)"),
        GroupsByDiagnosis => ("Failures by diagnosis", "診断別の失敗"),
        GroupsByDiagnosisSkipped => ("Skipped events by diagnosis", "診断別のスキップ"),
        GroupsByDiagnosisEvents => ("Events by diagnosis", "診断別のイベント"),
        GroupsBy => ("Events grouped by", "グループ化:"),
        Count => ("Count", "件数"),
        Category => ("Category", "カテゴリ"),
        Diagnosis => ("Diagnosis", "診断"),
        Code => ("Code", "コード"),
        Title => ("Title", "概要"),
        Identities => ("Identities", "対象ID"),
        ChangeIds => ("Change IDs", "変更ID"),
        WhatToDo => ("What to do", "対処"),
        Retry => ("Retry", "再試行"),
        Retried => ("retried up to", "再試行回数 最大"),
        Times => ("times", "回"),
        NextRetry => ("next retry", "次回の再試行"),
        MoreN => ("+{n} more", "ほか {n} 件"),
        Docs => ("Docs", "資料"),
        FileFailed => ("could not be read completely", "一部を読み込めませんでした"),
        Status => ("Status", "状態"),
        Action => ("Action", "操作"),
        Time => ("Time", "日時"),
        App => ("App", "アプリ"),
        Identity => ("Identity", "対象"),
        Reason => ("Reason", "理由"),
        Key => ("Key", "キー"),
        ReportTitle => ("Provisioning log report", "プロビジョニング ログ レポート"),
        Explanation => ("Explanation", "説明"),
        MatchedBy => ("Matched by", "一致の根拠"),
        Facts => ("Facts", "抽出した情報"),
        System => ("System", "システム"),
        NoMatch => (
            "No catalog entry matches this input. Try `provlog catalog list` to browse the entries.",
            "この入力に一致するカタログ エントリはありません。`provlog catalog list` で一覧を確認できます。",
        ),
        AlsoMatches => ("Other entries that also match", "ほかに一致したエントリ"),
        Cause => ("Cause", "原因"),
        Source => ("Source", "出典"),
        Template => ("Message template", "メッセージの型"),
        DraftHint => (
            "Unclassified templates can be drafted into catalog entries: provlog catalog draft FILE > mine.toml, then fill in the texts and use --catalog mine.toml.",
            "カタログにない定型メッセージは、provlog catalog draft FILE > mine.toml でエントリの下書きにできます。説明と対処を書き込んでから --catalog mine.toml で読み込んでください。",
        ),
        Guesses => (
            "Closest entries (guesses, not a match)",
            "近いエントリ (推測です。一致したわけではありません)",
        ),
        GuessSimilarity => ("similarity", "類似度"),
        // explain --csv
        File => ("File", "ファイル"),
        Encoding => ("encoding", "文字コード"),
        MessageColumn => ("Message column", "メッセージ列"),
        TaskColumns => ("Job type / operation", "種別 / 操作"),
        ServiceColumn => ("Service column", "サービス列"),
        Rows => ("Rows", "行数"),
        RowUnit => ("rows", "行"),
        RowUnitOne => ("row", "行"),
        Diagnosed => ("diagnosed", "診断あり"),
        NotInCatalog => ("not in the catalog", "カタログに該当なし"),
        NoMessage => ("without a message", "メッセージなし"),
        Succeeded => ("succeeded", "成功"),
        RowsByDiagnosis => ("Rows by diagnosis", "診断別の行"),
        RowNumbers => ("Rows", "行"),
        Message => ("Message", "メッセージ"),
        NoRows => (
            "No row has a message to diagnose.",
            "診断するメッセージのある行はありません。",
        ),
        Id => ("ID", "ID"),
        Entries => ("entries", "件"),
        CatalogVersion => ("Catalog version", "カタログのバージョン"),
        RetryAutomatic => ("retries by itself", "自動で再試行されます"),
        RetryNextCycle => (
            "retried each cycle, keeps failing until fixed",
            "サイクルごとに再試行されますが、修正するまで失敗し続けます",
        ),
        RetryManual => ("needs a person", "手動での対応が必要です"),
        RetryNone => (
            "informational: nothing to fix, not retried",
            "情報のみです。対処は不要で、再試行もされません",
        ),
        // Priorities and persistent failures.
        Priority => ("Priority", "優先度"),
        PriorityNeedsAction => ("needs action", "要対応"),
        PriorityWillRetry => ("will retry", "自動で再試行"),
        PriorityInformational => ("informational", "情報のみ"),
        Persistent => ("persistent", "件が継続"),
        PersistentText => (
            "{n} of {m} identities failed this way in two or more cycles (persistent).",
            "{m} 件中 {n} 件の対象が 2 サイクル以上で同じ失敗を繰り返しています (継続的な失敗)。",
        ),
        // Quarantine warnings.
        Warnings => ("Warnings", "警告"),
        WarnHead => (
            "Job {job} is at risk of quarantine",
            "ジョブ {job} は検疫 (quarantine) されるおそれがあります",
        ),
        WarnCycle => (
            "in cycle {cycle} ({first} … {last}), {failures} of {events} events failed ({share}%)",
            "サイクル {cycle} ({first} … {last}) で {events} 件中 {failures} 件が失敗しました ({share}%)",
        ),
        WarnSep => ("; ", "。"),
        WarnConfig => (
            "{n} of the {failures} failures are auth, permission or target-config failures",
            "失敗 {failures} 件のうち {n} 件が認証・権限・接続先設定 (auth, permission, target-config) の問題です",
        ),
        WarnEnd => (".", "。"),
        // Between sentences: Japanese runs them on.
        SentenceSep => (" ", ""),
        WarnMoreCycles => (
            "{n} of this job's {m} cycles crossed the threshold.",
            "このジョブの {m} サイクル中 {n} サイクルがしきい値を超えています。",
        ),
        WarnWhy => (
            "Entra quarantines a job whose calls mostly fail, and then runs it far less often.",
            "Entra は呼び出しの大半が失敗するジョブを検疫し、実行頻度を大きく下げます。",
        ),
        WarnCheck => ("Check first", "まず確認すること"),
        WarnEntries => ("Catalog entries", "該当するカタログ エントリ"),
        ListSep => ("; ", "、"),
        CheckCredentials => (
            "the credentials (secret token, client secret or certificate, and their expiry)",
            "資格情報 (シークレット トークン、クライアント シークレットや証明書と、その有効期限)",
        ),
        CheckTargetUrl => (
            "the target URL (tenant URL or SCIM endpoint, and that Entra can reach it)",
            "接続先 URL (テナント URL や SCIM エンドポイントと、Entra から到達できるか)",
        ),
        CheckAdminConsent => (
            "admin consent and the permissions granted to the app",
            "管理者の同意と、アプリに付与されたアクセス許可",
        ),
        // The cycle and attribute views.
        GroupsByCycle => ("Cycles", "サイクル別"),
        Cycle => ("Cycle", "サイクル"),
        EventsCol => ("Events", "イベント数"),
        TopDiagnoses => ("Top diagnoses", "主な診断"),
        AtRisk => ("at risk of quarantine", "検疫のおそれ"),
        GroupsByAttribute => (
            "invalid-data and conflict failures by attribute",
            "属性別の invalid-data / conflict の失敗",
        ),
        Attribute => ("Attribute", "属性"),
        OffendingValue => ("Value", "問題の値"),
        Detail => ("Detail", "詳細"),
        NotNamed => ("(not named in the message)", "(メッセージに属性名なし)"),
        OutsideView => (
            "Not shown here, as they are not invalid-data or conflict failures (see --group-by diagnosis): {n} selected events.",
            "invalid-data / conflict 以外のため、ここに表示していない対象イベント (--group-by diagnosis を参照): {n} 件",
        ),
        // provlog diff.
        DiffTitle => (
            "Provisioning failures: what changed",
            "プロビジョニングの失敗: 変化の一覧",
        ),
        OldExport => ("Old export", "旧エクスポート"),
        NewExport => ("New export", "新エクスポート"),
        Overlap => ("Overlap", "重複"),
        OverlapText => (
            "failing events found in both exports, counted once: {n}",
            "両方のエクスポートに含まれる失敗イベント (1 件として数えます): {n} 件",
        ),
        Changes => ("Changes", "変化"),
        DiffChange => ("Change", "変化"),
        ChangeNew => ("new", "新規"),
        ChangePersisting => ("persisting", "継続"),
        ChangeResolved => ("resolved", "解消"),
        CameAndWent => (
            "{n} failed and recovered inside one export, not listed",
            "{n} 件は 1 つのエクスポート内で失敗後に回復したため表示していません",
        ),
        FailuresWord => ("failures", "件の失敗"),
        SuccessesWord => ("successes", "件の成功"),
        FailuresOldNew => ("Failures (old/new)", "失敗数 (旧/新)"),
        LastFailure => ("Last failure", "最後の失敗"),
        Note => ("Note", "備考"),
        ResolvedSuccess => ("succeeded at {t}", "{t} に成功"),
        ResolvedAbsence => ("did not come back", "再発なし"),
        NoChanges => (
            "No failure is new, persisting or resolved between these exports.",
            "これらのエクスポート間で新規・継続・解消の失敗はありません。",
        ),
        ShowHint => (
            "Everything about one change, ready for a ticket",
            "1 件の変更の詳細 (チケットに貼り付け可能)",
        ),
        Change => ("Change", "変更"),
        SummaryTab => ("Summary", "概要"),
        Troubleshooting => (
            "Troubleshooting & recommendations",
            "トラブルシューティングと推奨事項",
        ),
        Steps => ("Steps", "ステップ"),
        ModifiedProperties => ("Modified properties", "変更されたプロパティ"),
        TimeUtc => ("Time (UTC)", "日時 (UTC)"),
        JobId => ("Job ID", "ジョブ ID"),
        CycleId => ("Cycle ID", "サイクル ID"),
        ChangeId => ("Change ID", "変更 ID"),
        EventId => ("Event ID", "イベント ID"),
        TenantId => ("Tenant ID", "テナント ID"),
        Duration => ("Duration", "所要時間"),
        InitiatedBy => ("Initiated by", "開始者"),
        SourceSystem => ("Source system", "ソース システム"),
        SourceIdentity => ("Source identity", "ソース ID"),
        TargetSystem => ("Target system", "ターゲット システム"),
        TargetIdentity => ("Target identity", "ターゲット ID"),
        ErrorCode => ("Error code", "エラー コード"),
        ErrorCategory => ("Error category", "エラー カテゴリ"),
        AdditionalDetails => ("Additional details", "追加の詳細"),
        RecommendedAction => ("Recommended action", "推奨されるアクション"),
        HttpStatus => ("HTTP status", "HTTP ステータス"),
        RetryCount => ("Retries so far", "これまでの再試行回数"),
        NextRetryAt => ("Next retry", "次回の再試行"),
        TargetErrorCode => ("Error code from the target", "ターゲットのエラー コード"),
        RequestId => ("Request ID", "要求 ID"),
        Field => ("Field", "項目"),
        Value => ("Value", "値"),
        Fact => ("Fact", "項目"),
        Property => ("Property", "プロパティ"),
        OldValue => ("Old value", "変更前の値"),
        NewValue => ("New value", "変更後の値"),
        None => ("(none)", "(なし)"),
        NoError => (
            "No error was logged for this change.",
            "この変更にはエラーが記録されていません。",
        ),
        NoSteps => (
            "The input holds no steps for this change.",
            "入力にはこの変更のステップが含まれていません。",
        ),
        NoProperties => (
            "No modified properties.",
            "変更されたプロパティはありません。",
        ),
        NoiseNote => (
            "Only accountDisabled is listed: Entra logs it on every update, whether or not it changed.",
            "accountDisabled のみが記録されています。Entra は値が変わらなくても更新のたびにこれを記録します。",
        ),
        RedactedNote => (
            "Personal data in this report was replaced by pseudonyms (provlog --redact); the same token stands for the same value.",
            "このレポートの個人情報は仮名に置き換えています (provlog --redact)。同じトークンは同じ値を表します。",
        ),
        // The HTML report (`{n}`, `{m}`, `{x}` are filled in by the renderer).
        HtmlSummary => ("Summary", "概要"),
        HtmlEvents => ("Events", "イベント"),
        HtmlSelectedN => ("{n} selected", "うち抽出 {n} 件"),
        HtmlFailures => ("Failures", "失敗"),
        HtmlWarningsN => ("and {n} warnings", "ほかに警告 {n} 件"),
        HtmlOfEvents => ("{n} of all events", "全イベントの {n}"),
        HtmlSuccessRate => ("Success rate", "成功率"),
        HtmlSuccessNote => (
            "{n} of {m} changes (skipped not counted)",
            "{m} 件中 {n} 件 (スキップを除く)",
        ),
        HtmlNewest => ("Newest event", "最新イベント"),
        HtmlCycles => ("Cycles", "サイクル"),
        HtmlDiagnoses => ("Diagnoses", "診断"),
        HtmlUnclassifiedN => (
            "{n} events not in the catalog",
            "カタログに該当しないもの {n} 件",
        ),
        HtmlUnclassifiedN1 => (
            "{n} event not in the catalog",
            "カタログに該当しないもの {n} 件",
        ),
        HtmlAllKnown => ("every failure is in the catalog", "すべてカタログに該当"),
        HtmlMoreN => ("+{n} more", "ほか {n} 件"),
        HtmlNoiseN => (
            "{n} successful updates changed only accountDisabled (logged whether or not it changed) and are counted as noise.",
            "成功した更新のうち {n} 件は accountDisabled のみの変更 (値が変わらなくても記録される) で、ノイズとして数えています。",
        ),
        HtmlRejectedN => (
            "{n} records could not be read.",
            "{n} 件のレコードを読み込めませんでした。",
        ),
        HtmlTimeline => ("Failures over time", "失敗の推移"),
        HtmlTimelineNote => (
            "Selected events that did not succeed, per {x}, stacked by diagnosis category. Times are UTC.",
            "成功しなかった抽出イベントの {x} ごとの件数 (診断カテゴリ別の積み上げ)。日時は UTC。",
        ),
        HtmlUntimedN => (
            "{n} events without a time are not in the chart.",
            "日時のない {n} 件はグラフに含まれていません。",
        ),
        HtmlNumbers => ("The numbers", "数値を表示"),
        HtmlPerHour => ("hour", "1 時間"),
        HtmlPerDay => ("day", "1 日"),
        HtmlPerWeek => ("week (from Monday)", "1 週間 (月曜始まり)"),
        HtmlBucketStart => ("From (UTC)", "開始 (UTC)"),
        HtmlTotal => ("Total", "合計"),
        HtmlTop => ("Top diagnoses", "主な診断"),
        HtmlTopGroups => ("Largest groups", "主なグループ"),
        HtmlTopNote => (
            "Events per diagnosis. Select a bar for the explanation and what to do.",
            "診断ごとの件数。バーを選ぶと説明と対処に移動します。",
        ),
        HtmlTopGroupsNote => ("Events per {x}.", "{x} ごとの件数。"),
        HtmlMoreGroupsN => (
            "{n} smaller groups are listed below.",
            "ほかの {n} グループは下に記載しています。",
        ),
        HtmlCyclesTitle => ("Provisioning cycles", "プロビジョニング サイクル"),
        HtmlCyclesNote => (
            "Every event read, per cycle, newest first. The top diagnosis counts the selected events.",
            "読み込んだ全イベントのサイクル別集計 (新しい順)。主な診断は抽出したイベントから数えています。",
        ),
        HtmlCycle => ("Cycle", "サイクル"),
        HtmlStart => ("Start (UTC)", "開始 (UTC)"),
        HtmlDuration => ("Duration", "所要時間"),
        HtmlTopDiagnosis => ("Top diagnosis", "主な診断"),
        HtmlNoCycle => ("(no cycle id)", "(サイクル ID なし)"),
        HtmlOlderCyclesN => (
            "{n} older cycles are not shown.",
            "古い {n} サイクルは省略しています。",
        ),
        HtmlEventsN => ("{n} events", "{n} 件"),
        HtmlEventsN1 => ("{n} event", "{n} 件"),
        HtmlIdentitiesN => ("{n} identities", "対象 {n} 件"),
        HtmlIdentitiesN1 => ("{n} identity", "対象 {n} 件"),
        HtmlCodes => ("Error codes", "エラー コード"),
        HtmlAffectedN => ("Affected identities ({n})", "影響を受けた対象 ({n} 件)"),
        HtmlShowAllN => ("Show all {n}", "{n} 件すべてを表示"),
        HtmlAndMoreN => ("and {n} more", "ほか {n} 件"),
        HtmlLastEvent => ("Last event (UTC)", "最終イベント (UTC)"),
        HtmlDroppedN => (
            "{n} further events of identities beyond this list are not shown.",
            "この一覧より先の対象の {n} 件は表示していません。",
        ),
        HtmlNone => ("(none)", "(なし)"),
        HtmlReasons => (
            "Reasons as the service logged them",
            "サービスが記録した理由 (原文)",
        ),
        HtmlAllEvents => ("Selected events", "抽出したイベント"),
        HtmlRowsCutN => (
            "{n} further events are not shown; use --format csv for all of them.",
            "ほか {n} 件は表示していません。すべて見るには --format csv を使ってください。",
        ),
        HtmlGenerated => (
            "Generated by provlog {x} from the export alone; nothing was sent anywhere. Times are UTC.",
            "provlog {x} がエクスポートのみから作成しました (外部への送信なし)。日時は UTC です。",
        ),
        HtmlUnitD => ("d", "日"),
        HtmlUnitH => ("h", "時間"),
        HtmlUnitMin => ("min", "分"),
        HtmlUnitS => ("s", "秒"),
}

/// The message in `lang`.
pub fn t(lang: Lang, m: Msg) -> &'static str {
    m.text(lang)
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
    fn every_message_has_english_and_japanese() {
        for &m in Msg::ALL {
            let (en, ja) = (m.text(Lang::En), m.text(Lang::Ja));
            assert!(!en.is_empty(), "{m:?} has no English");
            // Japanese sentences need no space between them.
            assert!(
                !ja.is_empty() || m == Msg::SentenceSep,
                "{m:?} has no Japanese"
            );
            // Units and marks may be the same in both; a sentence may not.
            if en.contains(' ') && en.chars().filter(|c| c.is_ascii_alphabetic()).count() > 8 {
                assert_ne!(en, ja, "{m:?} is not translated");
            }
            // A template keeps its placeholders in both languages.
            let holes = |s: &str| {
                let mut v: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(h, _)| h.to_owned()))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(holes(en), holes(ja), "{m:?}: placeholders differ");
        }
    }
}
