## Los responsables son usuarios (issue 12): nombres de responsable de los datos asignados a miembros.

settings-overdue-days-for-full = Días de retraso de la factura más antigua para el peso completo

owners-title = Responsables
owners-intro = Nombres de responsable encontrados en tus clientes (escritos o importados) y el miembro al que corresponde cada uno. Un cliente pertenece al miembro cuyo nombre o email es su responsable, o al miembro al que está asignado ese nombre; la asignación vale también para los clientes importados después con el mismo nombre.
owners-open = Asignar nombres de responsable a miembros
owners-name = Nombre de responsable
owners-clients = Clientes
owners-member = Miembro
owners-member-of = Miembro para { $name }
owners-nobody = — nadie —
owners-save = Guardar
owners-saved = Se ha guardado el nombre de responsable.
owners-suggested = sugerido
owners-mapped = asignado
owners-same-name = Ya es { $member } (mismo nombre o email).
owners-none = Ningún cliente tiene responsable todavía.
owners-error-user = Elige un miembro de este espacio de trabajo.
owners-error-name = El nombre de responsable está vacío o es demasiado largo.
owners-my-clients = Mis clientes
owners-member-is = miembro: { $member }
audit-action-owner-mapped = Nombre de responsable asignado
