# Uso (issue 18): la señal de salud de uso y su ajuste.
signal-usage-down = {$metric} baja un {$pct} %: {$before} → {$now} en {$window} días
signal-usage-up = {$metric} sube un {$pct} %: {$before} → {$now} en {$window} días
signal-usage-down-from-usual = {$metric} baja un {$pct} % respecto a su nivel habitual: {$before} → {$now} en {$window} días
signal-usage-up-from-usual = {$metric} sube un {$pct} % respecto a su nivel habitual: {$before} → {$now} en {$window} días
signal-usage-silent = sin {$metric} desde hace {$days ->
    [one] 1 día
   *[other] {$days} días
}
signal-usage-steady = uso estable
signal-usage-no-data = sin datos de uso
settings-weight-usage = Uso en descenso

# Ficha del cliente: uso por métrica (issue 18).
usage-title = Uso
usage-hint = Totales semanales del último año, del uso que envía vuestro producto. Las líneas punteadas marcan un caso de baja abierto o una queja.
usage-last-28 = Últimos 28 días: {$now} (28 días anteriores: {$before})
usage-change = { $pct ->
    [0] sin cambio
   *[other] {$signed} %
}
usage-week-of = Semana del
usage-none-this-year = Ningún uso de ninguna métrica en el último año.
usage-never-used = Sin usar en el último año:
usage-mark-case = Caso abierto
usage-mark-complaint = Queja
usage-context-title = Qué usa el cliente
usage-context-chart = Su uso semana a semana
clients-usage = Uso, 28 días
clients-usage-last-28 = {$count} en 28 días
settings-usage-drop-pct = Caída de uso que cuenta (%)
settings-usage-silent-days = Días sin ningún uso que cuentan
audit-action-import-usage = Uso importado
audit-action-usage-metric-changed = Métrica de uso cambiada
