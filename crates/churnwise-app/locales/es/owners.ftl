## Los responsables son usuarios (issue 12): nombres de responsable de los datos asignados a miembros.

settings-overdue-days-for-full = Días de retraso de la factura más antigua para el peso completo
