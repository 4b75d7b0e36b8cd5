# Field errors that say why (issue #13, helper "forms").
form-too-long-max = At most { $max } characters.
form-date-future = This date is after today: a notice cannot arrive in the future.
form-end-before-notice = The requested end must be on or after the notice date.
form-follow-up-before-case = The follow-up must be on or after the day the case was opened (the notice date).
form-client-name-taken = Another client already has this name. Give each client its own name (the command line finds clients by name).

# The health card of a client with an open departure case.
health-badge-leaving = Leaving
health-leaving = This client has given notice: a departure case is open.
health-leaving-on = This client has given notice and asked to end on { $date }: a departure case is open.
health-leaving-see-case = See the departure case

# Settings: one language setting, with what it covers.
settings-one-language-hint = The one language setting of your account: the pages you see and your digest emails. "Follow my browser" uses your browser's language.
