# Alerta temprana: salud del cliente, alertas, pendientes, resúmenes.
filter-at-risk = Solo en riesgo
