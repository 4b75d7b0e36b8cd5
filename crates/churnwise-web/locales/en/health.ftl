# Early warning: health score, alerts, due list, digests.
filter-at-risk = At risk only

## The health score and its signals
health-score-value = score {$score}
signal-points = {$phrase} (−{$points})
signal-contact = {$days} days since the last contact (every {$interval} days)
signal-overdue-invoices = {$count ->
    [one] 1 overdue invoice
   *[other] {$count} overdue invoices
} ({$amount})
signal-complaints = {$complaints ->
    [one] 1 complaint
   *[other] {$complaints} complaints
} and {$incidents ->
    [one] 1 incident
   *[other] {$incidents} incidents
} in {$days} days
signal-contraction = MRR down {$pct}% ({$before} → {$now})
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
