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
