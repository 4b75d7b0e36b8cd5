# Who leaves (issue 16): the log-rank test in plain words.
who-leaves-by-segment = segments
who-leaves-by-owner = owners
who-leaves-by-plan = plans
who-leaves-group-none = { $by ->
    [segments] no-segment
    [owners] no-owner
   *[other] no-plan
}
who-leaves-faster = {$fast} clients leave faster than {$slow} ones; a difference this large would happen by chance less than 1 time in {$times}.
who-leaves-no-clear-difference = No clear difference between {$by}: a difference this large would happen by chance {$chance} of the time.
who-leaves-title = Who leaves
who-leaves-intro = How long clients stay, by segment, owner and plan, and whether the differences are real or could be chance (log-rank test).
who-leaves-show = Show
who-leaves-heading-segment = By segment
who-leaves-heading-owner = By owner
who-leaves-heading-plan = By plan
who-leaves-one-group = Only one group: nothing to compare.
who-leaves-group = Group
who-leaves-clients = Clients
who-leaves-left = Left
who-leaves-median = Median stay (days)
who-leaves-after-year = Still here after a year
who-leaves-none = (none)
who-leaves-not-reached = not reached
who-leaves-link = Who leaves
who-leaves-other = (other)
who-leaves-band-lt_3m = under 3 months
who-leaves-band-3m_12m = 3 to 12 months
who-leaves-band-1y_2y = 1 to 2 years
who-leaves-band-2y_plus = 2 years or more
who-leaves-band-lt_100 = MRR under 100
who-leaves-band-100_500 = MRR 100 to 500
who-leaves-band-500_2000 = MRR 500 to 2,000
who-leaves-band-2000_plus = MRR 2,000 or more
who-leaves-band-no_data = no usage data
who-leaves-band-steady = usage steady or growing
who-leaves-band-down_lt_50 = usage down less than 50%
who-leaves-band-down_50_plus = usage down 50% or more, or silent
who-leaves-period-title = Kept and lost, {$from} to {$to}
who-leaves-period-intro = Clients active on the first day of the period, grouped as they were that day; lost means no longer active on the day after the period. Reasons and fired clients come from departure cases closed with a last day in the period.
who-leaves-period-heading-segment = By segment
who-leaves-period-heading-owner = By owner
who-leaves-period-heading-plan = By plan
who-leaves-period-heading-tenure = By time as a client
who-leaves-period-heading-mrr = By MRR
who-leaves-period-heading-usage = By usage before the period
who-leaves-at-start = At start
who-leaves-kept = Kept
who-leaves-lost = Lost
who-leaves-churn-rate = Churn rate
who-leaves-lost-mrr = Lost MRR
who-leaves-top-reasons = Top reasons
who-leaves-fired = Let go (warning signs)
who-leaves-from = From
who-leaves-to = To
