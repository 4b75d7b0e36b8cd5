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
