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
