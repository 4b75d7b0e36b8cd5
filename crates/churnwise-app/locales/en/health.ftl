# Early warning: health score, alerts, due list, digests.
filter-at-risk = At risk only

## The health score and its signals
health-score-value = score {$score}
signal-points = {$phrase} (−{$points})
signal-contact = {$days ->
    [one] 1 day
   *[other] {$days} days
} since the last contact (every {$interval ->
    [one] day
   *[other] {$interval} days
})
signal-overdue-invoices = {$count ->
    [one] 1 overdue invoice
   *[other] {$count} overdue invoices
} ({$amount})
signal-complaints = { $incidents ->
    [0] { $complaints ->
        [one] 1 complaint
       *[other] { $complaints } complaints
    }
   *[other] { $complaints ->
        [0] { $incidents ->
            [one] 1 incident
           *[other] { $incidents } incidents
        }
       *[other] { $complaints ->
            [one] 1 complaint
           *[other] { $complaints } complaints
        } and { $incidents ->
            [one] 1 incident
           *[other] { $incidents } incidents
        }
    }
} in { $days ->
    [one] 1 day
   *[other] { $days } days
}
signal-contraction = MRR down {$pct}% ({$before} → {$now})
signal-contraction-none = no MRR drop ({$before} → {$now})
signal-survey = last survey score {$score} of {$max}
signal-survey-none = no survey answered
signal-contract-end = contract ends on {$date}
signal-renewal = renewal on {$date}
signal-renewal-none = no end or renewal coming up
signal-warning-signs = warning signs: {$flags}
signal-warning-signs-none = no warning signs
flag-wants-services-not-offered = wants services we do not offer
flag-does-not-value-expertise = does not value our expertise
flag-yes-to-everything = we say yes to everything
flag-treats-team-badly = treats the team badly

## The due list
due-contact = Get in touch with {$client}: due since {$date} ({$days ->
    [0] today
    [one] 1 day late
   *[other] {$days} days late
})
due-retention-promise = {$client}: retention promise “{$what}”, due {$date}
due-corrective-action = {$client}: corrective action “{$what}”, due {$date}
due-win-back = {$client}: tell them what was corrected and invite them back (due {$date})

## The daily digest email
digest-subject = {$workspace}: {$due ->
    [one] 1 thing due
   *[other] {$due} things due
}, {$alerts ->
    [one] 1 new alert
   *[other] {$alerts} new alerts
}
digest-intro = Good morning. This is your churnwise digest for {$workspace} on {$date}.
digest-alerts-heading = Clients at risk (new alerts):
digest-due-heading = Due today:
digest-footer = You receive this digest because you are a member of the workspace. Your language and the digest settings are in churnwise's Settings.

## Pages
nav-due = Due
due-title = Due and at risk
due-refresh = Recompute scores
notice-scores-refreshed = The health scores were recomputed.
due-showing-mine = Showing the work of { $name }.
due-show-all = Show everyone's
due-showing-all = Showing everyone's work.
due-show-mine = Show mine only
alerts-title = Clients at risk
alerts-none = No client is at risk. Alerts appear here when a client's health score falls below the threshold.
alerts-capped = Showing the { $n } newest alerts. Open a client's page, or list them all with GET /api/v1/alerts (paginated).
alert-status-open = New
alert-status-acknowledged = Acknowledged
alert-status-snoozed = Snoozed
alert-status-case-opened = Case opened
alert-status-resolved = Resolved
alert-raised-on = raised { $date }
alert-snoozed-until = until { $date }
alert-acknowledge = Acknowledge
alert-snooze = Snooze
alert-open-case = Open a departure case
due-list-title = Due list
due-none = Nothing is due. Well done.
due-col-late = Late
due-col-what = What to do
due-open-case = case #{ $id }
health-title = Health
health-at-risk = At risk
health-healthy = Healthy
health-signals = Signals and their contribution to the score
health-signal = Signal
health-points = Points
health-computed-on = Computed on { $date }. Weights and the at-risk threshold are in Settings.
health-not-scored = No score yet: scores are computed for active and leaving clients every few minutes by the server, or with “Recompute scores” on the Due page.
flags-title = Warning signs
flags-save = Save warning signs
notice-flags-saved = The warning signs were saved and the score recomputed.

## Settings
settings-profile = Your profile
settings-profile-name = Display name
settings-profile-name-hint = Clients whose owner is this name (or your email) are yours: your due list and digest.
settings-profile-lang = Language of pages and digests
settings-profile-lang-browser = Follow my browser
notice-profile-saved = Your profile was saved.
settings-workspace = Workspace settings
notice-workspace-saved = The workspace settings were saved.
settings-churn-and-contact = Churn benchmark and keeping in touch
settings-benchmark = Monthly churn benchmark (%)
settings-keep-in-touch = Keep-in-touch interval for new clients (days)
settings-keep-in-touch-segments = Interval by segment
settings-keep-in-touch-segments-hint = One line per segment, such as “enterprise = 14”. New clients of that segment get that interval.
settings-health-weights = Health score weights
settings-health-weights-hint = The most points each signal can take from 100. The defaults add up to 100; the reasoning is in the documentation of the health score.
settings-weight-contact = Days since last contact
settings-weight-overdue-invoices = Overdue invoices
settings-weight-complaints = Complaints and incidents
settings-weight-contraction = MRR contraction
settings-weight-survey = Last survey score
settings-weight-renewal = Contract end or renewal
settings-weight-warning-signs = Warning signs
settings-health-thresholds = Health score thresholds
settings-at-risk-below = At risk below this score
settings-overdue-invoices-for-full = Overdue invoices for the full weight
settings-complaints-for-full = Complaints and incidents for the full weight
settings-contraction-pct-for-full = MRR drop (%) for the full weight
settings-lookback-days = Look-back window (days)
settings-renewal-within-days = Contract end or renewal within (days)
settings-digest = Daily digest email
settings-digest-enabled = Send each member a daily digest of their due list and new alerts
settings-digest-hour = Send from this hour (UTC)
settings-digest-no-smtp = No SMTP server is set up for this server, so no digest is sent, even when this is ticked.
settings-workspace-save = Save workspace settings
settings-managers-only = Only owners and managers can change these settings.
settings-range = From { $low } to { $high }
form-setting-range = Enter a number in the range shown.
form-segment-lines = Write one “segment = days” per line, with days from 1 to 3650.
form-stale = Someone saved these settings since you opened the page. Reload it and try again.
alert-snooze-until = Snooze until
