//! The console's two languages. Every visible text is a [`T`] key with its English and Chinese
//! wording side by side, so a missing translation is a compile error, not a blank.

use leptos::prelude::*;
pub use webhook_api::Lang;

macro_rules! texts {
    ($($key:ident => $en:expr, $zh:expr;)*) => {
        /// A visible text of the console.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum T { $($key),* }

        impl T {
            /// A table lookup rather than a `match`: data, not code, in the wasm.
            pub fn get(self, lang: Lang) -> &'static str {
                const TEXTS: &[[&str; 2]] = &[$([$en, $zh]),*];
                TEXTS[self as usize][match lang { Lang::En => 0, Lang::Zh => 1 }]
            }
        }
    };
}

texts! {
    AppName => "Webhook Console", "Webhook 控制台";
    Notification => "Notification", "通知";
    WebHook => "WebHook", "WebHook";
    Navigation => "Main navigation", "主导航";
    Breadcrumbs => "Breadcrumbs", "面包屑导航";
    Language => "Language", "语言";
    ThemeDark => "Dark theme", "深色主题";
    ThemeLight => "Light theme", "浅色主题";
    AddWebhook => "Add WebHook", "添加 WebHook";
    ModifyWebhook => "Modify WebHook", "修改 WebHook";
    Search => "Search", "搜索";
    SearchPlaceholder => "Name, URL or description", "名称、URL 或描述";
    Type => "Type", "类型";
    Name => "Name", "名称";
    Url => "URL", "URL";
    Description => "Description", "描述";
    AlarmMessageLanguage => "Alarm Message Language", "告警消息语言";
    AuthType => "Auth Type", "认证类型";
    Enable => "Enable", "启用";
    Disable => "Disable", "禁用";
    Enabled => "Enabled", "已启用";
    Disabled => "Disabled", "已禁用";
    EventType => "Event Type", "事件类型";
    Project => "Project", "项目";
    ProjectHint => "Optional: lower-case letters, digits, - _ and .", "可选：小写字母、数字、- _ 和 .";
    NoProject => "None", "无";
    Tag => "Tag", "标签";
    Tags => "Tags", "标签";
    TagFilterInvalid => "Enter the tag as key:value.", "请按 键:值 的格式输入标签。";
    Status => "Status", "状态";
    Actions => "Actions", "操作";
    Sort => "Sort", "排序";
    Modify => "Modify", "修改";
    Delete => "Delete", "删除";
    Submit => "Submit", "提交";
    Cancel => "Cancel", "取消";
    Events => "Events", "事件";
    Alarms => "Alarms", "告警";
    English => "English", "英文";
    Chinese => "Chinese", "中文";
    AuthNone => "Unauthentication", "无认证";
    AuthBasic => "Basic", "Basic 认证";
    AuthBearer => "Bearer token", "Bearer 令牌";
    AuthSignature => "Signature (HMAC-SHA256)", "签名（HMAC-SHA256）";
    Username => "Username", "用户名";
    Password => "Password", "密码";
    Token => "Token", "令牌";
    Secret => "Signing secret", "签名密钥";
    Generate => "Generate", "生成";
    SecretKeptHint => "Leave the masked value to keep the stored secret.", "保留掩码值即沿用已保存的密钥。";
    All => "All", "全部";
    StatusActive => "Active", "正常";
    StatusAwaitingRetry => "Awaiting retry", "等待重试";
    StatusFailed => "Failed", "失败";
    StatusRetryLimitReached => "Retry limit reached", "重试次数已用尽";
    StatusDisabled => "Disabled", "已禁用";
    Total => "Total", "总数";
    Previous => "Previous", "上一页";
    Next => "Next", "下一页";
    Pagination => "Pagination", "分页";
    PageSize => "Per page", "每页";
    ShowingRange => "Showing {from}–{to} of {total}", "第 {from}–{to} 条，共 {total} 条";
    PageOf => "Page {page} of {pages}", "第 {page} / {pages} 页";
    Loading => "Loading…", "加载中…";
    LoadingPage => "Loading the page", "正在加载页面";
    Retry => "Retry", "重试";
    ClearFilters => "Clear filters", "清除筛选";
    EmptyTitle => "No webhooks yet", "还没有 WebHook";
    EmptyHint => "Add a webhook to start sending notifications to your systems.", "添加一个 WebHook，开始向您的系统推送通知。";
    NoMatchTitle => "No webhook matches these filters", "没有符合筛选条件的 WebHook";
    NoMatchHint => "Change the search or clear the filters.", "请修改搜索条件或清除筛选。";
    UnreachableTitle => "The server cannot be reached", "无法连接服务器";
    UnreachableHint => "Check that webhook-server is running, then retry.", "请确认 webhook-server 正在运行，然后重试。";
    ConfirmDeleteTitle => "Delete this webhook?", "删除此 WebHook？";
    ConfirmDeleteText => "“{name}” will stop receiving notifications. This action cannot be undone.", "“{name}”将不再接收通知。此操作无法撤销。";
    ConfirmDiscardTitle => "Discard unsaved changes?", "放弃未保存的修改？";
    ConfirmDiscardText => "What you entered for this webhook will be cleared.", "您为此 WebHook 填写的内容将被清除。";
    Discard => "Discard", "放弃";
    KeepEditing => "Keep editing", "继续编辑";
    Created => "WebHook “{name}” added.", "已添加 WebHook“{name}”。";
    Updated => "WebHook “{name}” saved.", "已保存 WebHook“{name}”。";
    Deleted => "WebHook “{name}” deleted.", "已删除 WebHook“{name}”。";
    EnabledToast => "WebHook “{name}” enabled.", "已启用 WebHook“{name}”。";
    DisabledToast => "WebHook “{name}” disabled.", "已禁用 WebHook“{name}”。";
    FixErrors => "Please correct the highlighted fields.", "请修正标出的字段。";
    Dismiss => "Dismiss", "关闭";
    Saving => "Saving…", "保存中…";
    Working => "Working…", "处理中…";
    Advanced => "Advanced settings", "高级设置";
    Headers => "Custom headers", "自定义请求头";
    HeaderName => "Header name", "请求头名称";
    HeaderValue => "Header value", "请求头值";
    AddHeader => "Add header", "添加请求头";
    Remove => "Remove", "移除";
    BatchSize => "Batch size", "批量大小";
    Timeout => "Timeout (seconds)", "超时（秒）";
    SelectedCount => "{n} selected", "已选 {n} 项";
    NotFoundTitle => "Page not found", "页面不存在";
    NotFoundHint => "The address does not match any page of the console.", "该地址不对应控制台的任何页面。";
    BackToList => "Back to the WebHook list", "返回 WebHook 列表";
    WebhookGone => "This webhook does not exist or was deleted.", "此 WebHook 不存在或已被删除。";
    ErrorNetwork => "The server cannot be reached. Check your connection and retry.", "无法连接服务器，请检查网络后重试。";
    ErrorUnexpected => "The server sent an unexpected answer.", "服务器返回了无法识别的应答。";
    Close => "Close", "关闭";
    SendTest => "Send Test", "发送测试";
    Send => "Send", "发送";
    Sending => "Sending…", "发送中…";
    TestReport => "Test report", "测试报告";
    Request => "Request", "请求";
    Response => "Response", "响应";
    Body => "Body", "正文";
    HeadersTitle => "Headers", "请求头";
    NoResponse => "No response was received.", "未收到响应。";
    Truncated => "The body is longer; only its beginning is shown.", "正文较长，仅显示开头部分。";
    CopyCurl => "Copy as curl", "复制为 curl";
    CopiedCurl => "The request was copied as a curl command (secrets stay masked).", "已复制为 curl 命令（密钥仍为掩码）。";
    Delivered => "Delivered", "送达";
    NotDelivered => "Not delivered", "未送达";
    DurationMs => "{ms} ms", "{ms} 毫秒";
    ErrDns => "DNS lookup failed", "DNS 解析失败";
    ErrConnect => "Could not connect", "无法连接";
    ErrTls => "TLS handshake failed", "TLS 握手失败";
    ErrTimeout => "Timed out", "超时";
    ErrPolicy => "Refused by the target policy", "被目标地址策略拒绝";
    ErrInvalid => "Invalid response", "无效响应";
    ErrStatus => "Error status from the receiver", "接收方返回错误状态";
    ErrReceiver => "The receiver reported an error", "接收方报告了错误";
    ValidateOk => "The receiver accepted the validation message.", "接收方已接受验证消息。";
    ValidateFailed => "The validation message was not delivered: {reason}. The webhook was saved anyway.", "验证消息未送达：{reason}。WebHook 已保存。";
    PayloadFormat => "Payload format", "消息格式";
    FormatGeneric => "Generic JSON", "通用 JSON";
    FormatTeams => "Microsoft Teams", "Microsoft Teams";
    FormatDingtalk => "DingTalk", "钉钉";
    FormatFeishu => "Feishu / Lark", "飞书";
    FormatWecom => "WeCom", "企业微信";
    UseTemplate => "Message text from template", "使用消息模板";
    MsgKey => "Message key", "消息字段名";
    ExtraBody => "Extra body fields (JSON object)", "附加正文字段（JSON 对象）";
    BodyNotObject => "Must be a JSON object, e.g. {\"team\": \"ops\"}.", "必须是 JSON 对象，例如 {\"team\": \"ops\"}。";
    Preview => "Preview", "预览";
    PreviewHint => "Exactly what the receiver will get for a sample event, in this format and language.", "示例事件在当前格式和语言下发送给接收方的确切内容。";
    Details => "Details", "详情";
    Configuration => "Configuration", "配置";
    FailureDetails => "Failure details", "失败详情";
    LastSuccessfulAt => "Last successful delivery", "最近成功投递";
    LastFailedAt => "Last failed delivery", "最近失败投递";
    LastFailedStatus => "Last failed status code", "最近失败状态码";
    LastFailedReason => "Last failure reason", "最近失败原因";
    NextAttempt => "Next attempt", "下次重试";
    Version => "Version", "版本";
    UpdatedAt => "Modified", "修改时间";
    UpdatedBy => "Modified by", "修改人";
    CreatedAt => "Created", "创建时间";
    Deliveries => "Deliveries", "投递记录";
    NoDeliveries => "No deliveries yet. Events of the selected types, Send and the validation message appear here.", "还没有投递记录。所选类型的事件、发送和验证消息会显示在这里。";
    Attempts => "Attempts", "尝试";
    AttemptN => "Attempt {n}", "第 {n} 次尝试";
    ShowAttempts => "Show attempts", "查看尝试";
    HideAttempts => "Hide attempts", "收起尝试";
    Redeliver => "Redeliver", "重新投递";
    VerifySignature => "Verify signature", "验证签名";
    SignatureCurrent => "The signature matches the current secret.", "签名与当前密钥匹配。";
    SignaturePrevious => "The signature matches the previous secret (rotated since; it still signs during the overlap).", "签名与上一个密钥匹配（之后已轮换；重叠期内仍会签名）。";
    SignatureNone => "The signature matches neither the current nor the previous secret.", "签名与当前密钥和上一个密钥均不匹配。";
    SignatureUnsigned => "This request carried no Standard Webhooks signature.", "此请求未携带 Standard Webhooks 签名。";
    Redelivered => "Delivery queued again with the same message id.", "已用相同的消息 ID 重新排队投递。";
    Recover => "Recover", "恢复投递";
    RecoverSince => "Redeliver every failed delivery since", "重新投递此时间之后的所有失败投递";
    Recovered => "{n} failed deliveries queued again.", "已重新排队 {n} 个失败投递。";
    Refresh => "Refresh", "刷新";
    DeliveryPending => "Pending", "等待中";
    DeliveryRetrying => "Retrying", "重试中";
    DeliverySucceeded => "Succeeded", "成功";
    DeliveryFailed => "Failed", "失败";
    KindEvent => "Event", "事件";
    KindValidate => "Validation", "验证";
    SuccessRate => "Success rate, last 24 hours", "近 24 小时成功率";
    SuccessSummary => "{rate} of {total} deliveries succeeded in the last 24 hours.", "近 24 小时 {total} 次投递中 {rate} 成功。";
    NoTraffic => "No deliveries in the last 24 hours.", "近 24 小时没有投递。";
    MessageId => "Message id", "消息 ID";
    Subscriptions => "Message subscriptions", "消息订阅";
    SubscriptionsHint => "Each topic groups kinds of events; its receivers are the webhooks that get them, on top of each webhook's own event types.", "每个主题是一组事件类型；其接收者为接收这些事件的 WebHook，另加各 WebHook 自身选择的事件类型。";
    EventsNav => "Events", "事件";
    EventsTitle => "Recent events", "最近事件";
    AnyResource => "Any resource", "任意资源";
    ResourceTypes => "Resource types", "资源类型";
    ResourceType => "Resource type", "资源类型";
    Severities => "Severities", "级别";
    Receivers => "Receivers", "接收者";
    AddReceiver => "Add a receiver…", "添加接收者…";
    TestTopic => "Test", "测试";
    TestEvent => "Test event: where it went", "测试事件的去向";
    NoRoutes => "No webhook received it.", "没有 WebHook 接收该事件。";
    RuleOwn => "by its event types", "按自身事件类型";
    RuleTopic => "by topic {topic}", "按主题 {topic}";
    ConfirmDisableTopic => "Disable this topic?", "禁用此主题？";
    ConfirmDisableWebhook => "Disable this webhook?", "禁用此 WebHook？";
    ImpactWarning => "No enabled webhook would receive these topics any more: {topics}.", "以下主题将没有任何已启用的接收者：{topics}。";
    ImpactTopic => "{topic} ({n} matching events in the last 7 days)", "{topic}（近 7 天 {n} 个匹配事件）";
    CustomEvent => "Publish a custom event (JSON)", "发布自定义事件（JSON）";
    Publish => "Publish", "发布";
    Published => "Event published; {n} deliveries queued.", "事件已发布；已排队 {n} 个投递。";
    NoEvents => "No events yet. Publish one above, or let your systems post to /api/v1/events.", "还没有事件。可在上方发布，或由您的系统发送到 /api/v1/events。";
    ReceivedAt => "Received", "接收时间";
    Result => "Result", "结果";
    ResultSucceed => "Succeeded", "成功";
    ResultFailed => "Failed", "失败";
    RoutedTo => "Routed to", "投递至";
    MoreEventTypes => "+{n} more", "另有 {n} 项";
    // Sign-in, roles and the session
    SignIn => "Sign in", "登录";
    SigningIn => "Signing in…", "登录中…";
    SignOut => "Sign out", "退出登录";
    SignInMissing => "Enter your username and password.", "请输入用户名和密码。";
    RoleAdmin => "Admin", "管理员";
    RoleOperator => "Operator", "操作员";
    RoleViewer => "Viewer", "只读用户";
    RolePublisher => "Publisher", "事件发布者";
    Role => "Role", "角色";
    NotAllowedTitle => "You may not do this", "您无权执行此操作";
    YourRoleIs => "Your role is {role}. An admin can change it.", "您的角色是{role}，管理员可以更改。";
    MayNotAddWebhooks => "Only admins add webhooks.", "只有管理员可以添加 WebHook。";
    MayNotModifyWebhooks => "Only admins modify webhooks.", "只有管理员可以修改 WebHook。";
    MayNotSettings => "Only admins manage users, API tokens and the audit log.", "只有管理员可以管理用户、API 令牌和审计日志。";
    EmptyHintReadOnly => "Webhooks that an admin adds appear here.", "管理员添加的 WebHook 会显示在这里。";
    // Deleted webhooks and history
    ShowDeleted => "Deleted webhooks", "已删除的 WebHook";
    QuietFilter => "Activity", "活动";
    QuietFor => "No event in {n} days", "{n} 天内无事件";
    DeletedWebhooks => "Deleted webhooks", "已删除的 WebHook";
    DeletedAt => "Deleted", "删除时间";
    DeletedBy => "Deleted by", "删除人";
    NoDeletedTitle => "No deleted webhooks", "没有已删除的 WebHook";
    NoDeletedHint => "Deleted webhooks appear here and can be restored.", "已删除的 WebHook 会显示在这里，并可恢复。";
    Restore => "Restore", "恢复";
    Restored => "WebHook “{name}” restored.", "已恢复 WebHook“{name}”。";
    History => "History", "历史版本";
    NoHistory => "No changes recorded yet.", "尚无变更记录。";
    VersionN => "Version {n}", "版本 {n}";
    ActionCreate => "Created", "创建";
    ActionModify => "Modified", "修改";
    ActionEnable => "Enabled", "启用";
    ActionDisable => "Disabled", "禁用";
    ActionDelete => "Deleted", "删除";
    ActionRestore => "Restored", "恢复";
    ActionRotateSecret => "Secret rotated", "轮换密钥";
    // Settings
    Administration => "Administration", "系统管理";
    Settings => "Settings", "设置";
    SettingsSections => "Settings sections", "设置分区";
    Users => "Users", "用户";
    DisplayName => "Display name", "显示名称";
    LastSignIn => "Last sign-in", "最近登录";
    You => "(you)", "（您）";
    AddUser => "Add user", "添加用户";
    UserAdded => "User “{name}” added.", "已添加用户“{name}”。";
    UserDeleted => "User “{name}” deleted.", "已删除用户“{name}”。";
    UserDisabled => "User “{name}” disabled; their sessions ended.", "已禁用用户“{name}”，其会话已结束。";
    UserEnabled => "User “{name}” enabled.", "已启用用户“{name}”。";
    RoleOf => "Role of {name}", "{name} 的角色";
    RoleChanged => "{name} is now {role}.", "{name} 的角色已改为{role}。";
    ResetPassword => "Reset password", "重置密码";
    ResetPasswordOf => "Reset the password of {name}", "重置 {name} 的密码";
    NewPassword => "New password", "新密码";
    PasswordRule => "At least 10 characters, not the username.", "至少 10 个字符，且不能与用户名相同。";
    ResetEndsSessions => "The user is signed out everywhere and signs in with the new password.", "该用户将在所有地方退出登录，需使用新密码重新登录。";
    PasswordReset => "The password of {name} was reset.", "已重置 {name} 的密码。";
    ConfirmDeleteUserTitle => "Delete this user?", "删除此用户？";
    ConfirmDeleteUserText => "“{name}” will no longer be able to sign in. This action cannot be undone.", "“{name}”将无法再登录。此操作无法撤销。";
    Required => "This field is required.", "此字段为必填项。";
    ApiTokens => "API tokens", "API 令牌";
    TokensHint => "Systems use a token as “Authorization: Bearer whc_…”. A publisher token may only post events.", "外部系统以“Authorization: Bearer whc_…”使用令牌。发布者令牌只能发布事件。";
    CreateToken => "Create token", "创建令牌";
    Prefix => "Prefix", "前缀";
    CreatedBy => "Created by", "创建人";
    LastUsed => "Last used", "最近使用";
    Expires => "Expires", "过期时间";
    ExpiresOn => "Expires on (optional)", "过期日期（可选）";
    ExpiresHint => "At the end of that day; empty: never.", "在该日结束时过期；留空表示永不过期。";
    Never => "Never", "从不";
    NoTokens => "No API tokens yet.", "还没有 API 令牌。";
    TokenCreated => "Token “{name}” created", "已创建令牌“{name}”";
    TokenOnce => "Copy the token now: it will not be shown again.", "请立即复制此令牌：它不会再次显示。";
    TokenUsage => "Send it as the header Authorization: Bearer <token>.", "请在请求头中以 Authorization: Bearer <令牌> 发送。";
    Copy => "Copy", "复制";
    TokenCopied => "The token was copied to the clipboard.", "令牌已复制到剪贴板。";
    CopyFailed => "The browser did not allow copying; select the token and copy it yourself.", "浏览器不允许复制，请选中令牌后手动复制。";
    Done => "Done", "完成";
    Revoke => "Revoke", "吊销";
    TokenRevoked => "Token “{name}” revoked.", "已吊销令牌“{name}”。";
    ConfirmRevokeTitle => "Revoke this token?", "吊销此令牌？";
    ConfirmRevokeText => "Systems that use “{name}” are refused from now on. This action cannot be undone.", "使用“{name}”的系统将立即被拒绝。此操作无法撤销。";
    AuditLog => "Audit log", "审计日志";
    Filters => "Filters", "筛选";
    Actor => "Actor", "操作者";
    ActorUser => "user", "用户";
    ActorToken => "token", "令牌";
    ActorAnonymous => "anonymous", "匿名";
    ActorSystem => "system", "系统";
    TargetType => "Target type", "对象类型";
    Target => "Target", "对象";
    AuditAction => "Action", "动作";
    Since => "Since", "起始时间";
    ApplyFilters => "Filter", "筛选";
    Time => "Time", "时间";
    ClientAddress => "Client address", "客户端地址";
    Outcome => "Outcome", "结果";
    OutcomeSuccess => "Success", "成功";
    OutcomeFailure => "Failure", "失败";
    OutcomeRefused => "Refused", "已拒绝";
    Changes => "Changes", "变更";
    NoAuditEntries => "No entries match these filters.", "没有符合筛选条件的记录。";
    // Monitoring › Inbound WebHook
    Monitoring => "Monitoring", "监控";
    InboundWebhook => "Inbound WebHook", "入站 WebHook";
    InboundWebhooks => "Inbound webhooks", "入站 WebHook";
    InboundHint => "URLs that monitoring systems (Alertmanager, Grafana, anything that posts JSON) send their alerts to; a plugin turns each payload into events that are routed like any other.", "供监控系统（Alertmanager、Grafana 或任何发送 JSON 的系统）推送告警的 URL；插件将每个载荷转换为事件，并像其他事件一样投递。";
    CreateInbound => "Create inbound webhook", "创建入站 WebHook";
    ModifyInbound => "Modify inbound webhook", "修改入站 WebHook";
    KeywordPlaceholder => "Name or id", "名称或 ID";
    Plugin => "Plugin", "插件";
    State => "State", "状态";
    StateEnabled => "ENABLED", "已启用";
    StateDisabled => "DISABLED", "已禁用";
    LastReceived => "Last received", "最近接收";
    RequestsCount => "Requests", "请求数";
    RequestsSummary => "{total} · {error} errors", "{total} · {error} 个错误";
    UpgradeMode => "Upgrade mode", "升级方式";
    UpgradeNone => "None: stay on this version", "不升级：保持此版本";
    UpgradeManual => "Manual", "手动";
    UpgradeAuto => "Automatic", "自动";
    NewestVersion => "{v} (newest)", "{v}（最新）";
    PluginOptions => "Plugin options", "插件选项";
    NoPluginOptions => "This plugin has no options.", "此插件没有选项。";
    PluginFixed => "The plugin of an inbound webhook cannot be changed; create another one for a different plugin.", "入站 WebHook 的插件不可更改；如需其他插件，请另行创建。";
    OptionNotInteger => "Must be a whole number.", "必须是整数。";
    OptionRange => "Between {min} and {max}.", "须在 {min} 到 {max} 之间。";
    OptionMin => "At least {min}.", "不能小于 {min}。";
    OptionMax => "At most {max}.", "不能大于 {max}。";
    TagKey => "Tag key", "标签键";
    TagValue => "Tag value", "标签值";
    AddTag => "Add tag", "添加标签";
    ProjectId => "Project ID", "项目 ID";
    ProjectIdHint => "Optional: up to 64 of a-z, 0-9, _, - and .", "可选：最多 64 个字符，限 a-z、0-9、_、- 和 .";
    InboundEmptyTitle => "No inbound webhooks yet", "还没有入站 WebHook";
    InboundEmptyHint => "Create one, then point Alertmanager or Grafana at its URL.", "创建一个，然后将 Alertmanager 或 Grafana 指向它的 URL。";
    InboundEmptyHintReadOnly => "Inbound webhooks that an admin creates appear here.", "管理员创建的入站 WebHook 会显示在这里。";
    InboundNoMatchTitle => "No inbound webhook matches these filters", "没有符合筛选条件的入站 WebHook";
    InboundCreated => "Inbound webhook “{name}” created.", "已创建入站 WebHook“{name}”。";
    InboundUpdated => "Inbound webhook “{name}” saved.", "已保存入站 WebHook“{name}”。";
    InboundDeleted => "Inbound webhook “{name}” deleted.", "已删除入站 WebHook“{name}”。";
    InboundEnabledToast => "Inbound webhook “{name}” enabled.", "已启用入站 WebHook“{name}”。";
    InboundDisabledToast => "Inbound webhook “{name}” disabled: its URL refuses alerts now.", "已禁用入站 WebHook“{name}”：其 URL 现在拒绝告警。";
    ConfirmDeleteInboundTitle => "Delete this inbound webhook?", "删除此入站 WebHook？";
    ConfirmDeleteInboundText => "“{name}” stops accepting alerts and its URL stops working. This action cannot be undone.", "“{name}”将不再接收告警，其 URL 也将失效。此操作无法撤销。";
    ConfirmDiscardInboundText => "What you entered for this inbound webhook will be cleared.", "您为此入站 WebHook 填写的内容将被清除。";
    MayNotAddInbound => "Only admins create inbound webhooks.", "只有管理员可以创建入站 WebHook。";
    MayNotModifyInbound => "Only admins modify inbound webhooks.", "只有管理员可以修改入站 WebHook。";
    InboundGone => "This inbound webhook does not exist or was deleted.", "此入站 WebHook 不存在或已被删除。";
    BackToInbound => "Back to the inbound webhooks", "返回入站 WebHook 列表";
    Receiving => "Where to send alerts", "告警发送地址";
    WebhookUrl => "Webhook URL", "WebHook URL";
    AccessKey => "Access key", "访问密钥";
    UrlMaskedHint => "Only admins see the full URL and key.", "只有管理员可以看到完整的 URL 和密钥。";
    CopyUrl => "Copy URL", "复制 URL";
    UrlCopied => "The URL was copied to the clipboard.", "URL 已复制到剪贴板。";
    CopySnippet => "Copy configuration", "复制配置";
    SnippetCopied => "The configuration was copied to the clipboard.", "配置已复制到剪贴板。";
    CopyTextFailed => "The browser did not allow copying; select the text and copy it yourself.", "浏览器不允许复制，请选中文本后手动复制。";
    AlertmanagerConfig => "Alertmanager configuration", "Alertmanager 配置";
    SnippetKeyInUrl => "The key in the URL", "密钥在 URL 中";
    SnippetBearer => "Or: the key in the Authorization header", "或：密钥在 Authorization 请求头中";
    RegenerateKey => "Regenerate key", "重新生成密钥";
    ConfirmRegenerateTitle => "Regenerate the access key?", "重新生成访问密钥？";
    ConfirmRegenerateText => "The current key and URL of “{name}” stop working at once; the monitoring system needs the new URL.", "“{name}”当前的密钥和 URL 将立即失效；需要在监控系统中改用新的 URL。";
    Regenerate => "Regenerate", "重新生成";
    KeyRegenerated => "A new access key was made; the old URL no longer works.", "已生成新的访问密钥；旧的 URL 已失效。";
    VerifyPlugin => "Verify plugin", "验证插件";
    PluginVerifiedOk => "The plugin accepts these options.", "插件接受这些选项。";
    PluginRejected => "The plugin refuses these options:", "插件不接受这些选项：";
    SendSample => "Send sample", "发送示例";
    SampleHint => "The plugin’s sample payload, through the same path as the real URL.", "插件的示例载荷，经过与真实 URL 相同的接收路径。";
    SampleRequest => "Sample request", "示例请求";
    Capability => "Capability", "能力";
    PluginMetadata => "Plugin metadata", "插件元数据";
    RecentRequests => "Recent requests", "最近请求";
    NoRequests => "No requests yet. Point your monitoring system at the URL above, or press Send sample.", "还没有请求。请将监控系统指向上面的 URL，或点击“发送示例”。";
    HttpStatus => "HTTP status", "HTTP 状态";
    AlertsCount => "Alerts", "告警数";
    OutcomeAccepted => "Accepted", "已接受";
    OutcomeParseError => "Parse error", "解析失败";
    OutcomeDisabled => "Refused: disabled", "已拒绝：已禁用";
    OutcomeTooLarge => "Refused: too large", "已拒绝：过大";
    FromSample => "sample", "示例";
    ShowRequest => "Show request", "查看请求";
    HideRequest => "Hide request", "收起请求";
    RequestOf => "Request of {time}", "{time} 的请求";
    AlertsBecame => "What the alerts became", "告警的去向";
    NoAlerts => "The payload held no alerts.", "载荷中没有告警。";
    AlertRouted => "Routed as event", "已作为事件投递";
    AlertDuplicate => "Duplicate of", "重复，原事件";
    ParseErrorWas => "The plugin could not parse it:", "插件无法解析：";
    RaisedEvents => "Events raised", "产生的事件";
    Severity => "Severity", "级别";
    EventKey => "Event key", "事件键";
    ClientAddressShort => "From", "来源";
    BodyCut => "The body was longer ({n} bytes); only its beginning was kept.", "正文较长（{n} 字节），仅保留了开头部分。";
    EventN => "Event {id}", "事件 {id}";
    EventNotFound => "This event does not exist.", "此事件不存在。";
    AllEvents => "All events", "全部事件";
    ResourceDetails => "Resource details", "资源详情";
    DisableHint => "Disable: events are not queued while disabled. To hold them during maintenance, use Pause on the detail page.", "禁用：禁用期间事件不会排队。如需在维护期间暂存事件，请在详情页使用“暂停”。";
    ListPaused => "paused · {n} held", "已暂停 · 暂存 {n} 条";
    ListResuming => "resuming · {n} held", "恢复中 · 暂存 {n} 条";
    ListAutoDisabled => "auto-disabled", "已自动禁用";
    PauseTitle => "Pause and resume", "暂停与恢复";
    Pause => "Pause", "暂停";
    Resume => "Resume", "恢复";
    ResumeRate => "Resume rate (per second)", "恢复速率（每秒）";
    ResumeRateRange => "From 1 to 1000 deliveries per second.", "每秒 1 到 1000 条投递。";
    PausedHeld => "Paused · {n} held", "已暂停 · 暂存 {n} 条";
    PausedBy => "Paused by {by} at {at}. Events keep arriving and wait; nothing is sent and no retry is spent.", "由 {by} 于 {at} 暂停。事件照常到达并等待；不发送，也不消耗重试次数。";
    ResumingUntil => "Resuming: {n} held going out at {rate} per second until {at}.", "正在恢复：{n} 条暂存投递以每秒 {rate} 条发出，预计 {at} 发完。";
    NotPaused => "Deliveries go out as events arrive. Pause holds them until Resume sends them in order at the resume rate.", "投递随事件到达而发出。暂停会暂存投递，直到恢复后按顺序以恢复速率发出。";
    PausedToast => "WebHook “{name}” paused: its deliveries are held.", "已暂停 WebHook“{name}”：其投递被暂存。";
    ResumedToast => "WebHook “{name}” resumed: held deliveries go out at {rate} per second.", "已恢复 WebHook“{name}”：暂存投递以每秒 {rate} 条发出。";
    AutoDisableWarning => "Every delivery attempt has failed since {since}: this webhook will be disabled on {date} unless a delivery succeeds.", "自 {since} 起每次投递尝试均失败：除非有投递成功，此 WebHook 将于 {date} 被禁用。";
    NoticeAutoDisabled => "Disabled by the server", "已被服务器禁用";
    NoticeRaised => "Raised {at}", "发出于 {at}";
    Acknowledge => "Acknowledge", "确认";
    Acknowledged => "Notice acknowledged.", "已确认通知。";
    ActionAutoDisable => "Disabled by the server", "被服务器禁用";
    FireDrill => "Fire drill", "消防演练";
    DrillIntro => "A drill sends a webhook.drill test message through the real delivery path on a schedule, to prove the path to whoever is on call still works. A failed drill marks the webhook failed.", "演练按计划通过真实投递路径发送 webhook.drill 测试消息，以证明通往值班人员的通道仍然可用。演练失败会将 WebHook 标为失败。";
    Frequency => "Frequency", "频率";
    Daily => "Daily", "每天";
    Weekly => "Weekly", "每周";
    Weekday => "Day", "星期";
    Mon => "Monday", "星期一";
    Tue => "Tuesday", "星期二";
    Wed => "Wednesday", "星期三";
    Thu => "Thursday", "星期四";
    Fri => "Friday", "星期五";
    Sat => "Saturday", "星期六";
    Sun => "Sunday", "星期日";
    DrillTime => "Time (UTC, HH:MM)", "时间（UTC，HH:MM）";
    DrillEnabled => "Drills on", "启用演练";
    SaveSchedule => "Save schedule", "保存计划";
    RemoveSchedule => "Remove schedule", "移除计划";
    RunDrillNow => "Run drill now", "立即演练";
    Schedule => "Schedule", "计划";
    NextRun => "Next run", "下次运行";
    NoDrillSchedule => "No drill is scheduled.", "尚未安排演练。";
    DrillDaily => "Daily at {time} UTC", "每天 UTC {time}";
    DrillWeekly => "Every {day} at {time} UTC", "每{day} UTC {time}";
    DrillOff => "switched off", "已停用";
    DrillHistory => "Drill history", "演练记录";
    NoDrills => "No drill has run yet.", "还没有运行过演练。";
    Latency => "Latency", "延迟";
    Error => "Error", "错误";
    DrillByHand => "by hand", "手动";
    DrillSaved => "Drill schedule saved.", "已保存演练计划。";
    DrillRemoved => "Drill schedule removed.", "已移除演练计划。";
    DrillDelivered => "The drill was delivered (HTTP {status}, {ms} ms).", "演练已送达（HTTP {status}，{ms} 毫秒）。";
    DrillNotDelivered => "The drill failed: {error}", "演练失败：{error}";
    SilenceTitle => "Silence report", "静默报告";
    QuietTypes => "No event of these types arrived in the last {days} days:", "近 {days} 天没有收到以下类型的事件：";
    DisabledTopics => "Topics routing to it that are switched off:", "路由到它但已关闭的主题：";
    LastDelivery => "Last delivery", "最近一次投递";
    RetentionDays => "History goes back {days} days.", "历史保留 {days} 天。";
    RetentionForever => "History is kept for ever.", "历史永久保留。";
    RetentionBodies => "Request and response bodies are kept {days} days.", "请求和响应正文保留 {days} 天。";
    RetentionOldest => "The oldest delivery kept is from {at}.", "保留的最早投递来自 {at}。";
    Live => "Live", "实时";
    Reconnecting => "Reconnecting…", "正在重连…";
    Connecting => "Connecting…", "正在连接…";
    LiveHint => "New deliveries and attempts appear as they happen.", "新的投递和尝试会实时出现。";
}

/// The current language, provided at the root.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

const STORAGE_KEY: &str = "webhook-console.lang";

impl I18n {
    /// Provides the language remembered in this browser (or English) to the whole app.
    pub fn provide() -> Self {
        let stored = crate::storage::get(STORAGE_KEY);
        let lang = RwSignal::new(if stored.as_deref() == Some("zh-CN") {
            Lang::Zh
        } else {
            Lang::En
        });
        Effect::new(move || {
            let code = lang_code(lang.get());
            crate::storage::set(STORAGE_KEY, code);
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("lang", code);
            }
        });
        let i18n = Self { lang };
        provide_context(i18n);
        i18n
    }

    pub fn expect() -> Self {
        expect_context()
    }

    /// The text of `key` in the current language (reactive when called inside a view closure).
    pub fn t(self, key: T) -> &'static str {
        key.get(self.lang.get())
    }

    /// The text of `key` with `{name}`-style placeholders filled in.
    pub fn fmt(self, key: T, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }
}

/// The text of `key`, following the current language. Every text of the views goes through this
/// one closure type, so the code that renders and updates a text exists once in the wasm instead
/// of once per text.
pub fn tr(key: T) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = I18n::expect();
    move || i18n.t(key)
}

pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Zh => "zh-CN",
    }
}

/// Replaces each `{name}` of `template` by its value.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    args.iter().fold(template.to_string(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}
