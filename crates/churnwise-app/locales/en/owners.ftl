## Owners are users (issue 12): owner names found in the data mapped to members.

settings-overdue-days-for-full = Days the oldest invoice is overdue for the full weight

owners-title = Owners
owners-intro = Owner names found in your clients (typed or imported), and the member each one means. A client belongs to the member whose name or email is its owner, or to the member its owner name is mapped to; a mapping also holds for clients imported later with the same name.
owners-open = Map owner names to members
owners-name = Owner name
owners-clients = Clients
owners-member = Member
owners-member-of = Member for { $name }
owners-nobody = — nobody —
owners-save = Save
owners-saved = The owner name was saved.
owners-suggested = suggested
owners-mapped = mapped
owners-same-name = Already { $member } (same name or email).
owners-none = No client has an owner yet.
owners-error-user = Choose a member of this workspace.
owners-error-name = The owner name is empty or too long.
owners-my-clients = My clients
owners-member-is = member: { $member }
audit-action-owner-mapped = Owner name mapped
