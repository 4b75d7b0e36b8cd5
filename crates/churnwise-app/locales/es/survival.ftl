# Quién se va (issue 16): la prueba log-rank en palabras.
who-leaves-by-segment = segmentos
who-leaves-by-owner = responsables
who-leaves-by-plan = planes
who-leaves-group-none = { $by ->
    [segmentos] sin-segmento
    [responsables] sin-responsable
   *[other] sin-plan
}
who-leaves-faster = Los clientes {$fast} se van más rápido que los {$slow}; una diferencia así ocurriría por azar menos de 1 vez de cada {$times}.
who-leaves-no-clear-difference = Sin diferencia clara entre {$by}: una diferencia así ocurriría por azar el {$chance} de las veces.
who-leaves-title = Quién se va
who-leaves-intro = Cuánto tiempo se quedan los clientes, por segmento, responsable y plan, y si las diferencias son reales o podrían ser azar (prueba log-rank).
who-leaves-show = Mostrar
who-leaves-heading-segment = Por segmento
who-leaves-heading-owner = Por responsable
who-leaves-heading-plan = Por plan
who-leaves-one-group = Un solo grupo: nada que comparar.
who-leaves-group = Grupo
who-leaves-clients = Clientes
who-leaves-left = Se fueron
who-leaves-median = Permanencia mediana (días)
who-leaves-after-year = Siguen tras un año
who-leaves-none = (ninguno)
who-leaves-not-reached = no alcanzada
who-leaves-link = Quién se va
who-leaves-other = (otros)
who-leaves-band-lt_3m = menos de 3 meses
who-leaves-band-3m_12m = de 3 a 12 meses
who-leaves-band-1y_2y = de 1 a 2 años
who-leaves-band-2y_plus = 2 años o más
who-leaves-band-lt_100 = MRR menor de 100
who-leaves-band-100_500 = MRR de 100 a 500
who-leaves-band-500_2000 = MRR de 500 a 2.000
who-leaves-band-2000_plus = MRR de 2.000 o más
who-leaves-band-no_data = sin datos de uso
who-leaves-band-steady = uso estable o en aumento
who-leaves-band-down_lt_50 = uso baja menos del 50 %
who-leaves-band-down_50_plus = uso baja 50 % o más, o sin uso
who-leaves-period-title = Retenidos y perdidos, de {$from} a {$to}
who-leaves-period-intro = Clientes activos el primer día del periodo, agrupados como estaban ese día; perdido significa que ya no está activo el día siguiente al periodo. Los motivos y los clientes despedidos vienen de los casos de salida cerrados con último día en el periodo.
who-leaves-period-heading-segment = Por segmento
who-leaves-period-heading-owner = Por responsable
who-leaves-period-heading-plan = Por plan
who-leaves-period-heading-tenure = Por antigüedad como cliente
who-leaves-period-heading-mrr = Por MRR
who-leaves-period-heading-usage = Por uso antes del periodo
who-leaves-at-start = Al inicio
who-leaves-kept = Retenidos
who-leaves-lost = Perdidos
who-leaves-churn-rate = Tasa de abandono
who-leaves-lost-mrr = MRR perdido
who-leaves-top-reasons = Motivos principales
who-leaves-fired = Despedidos (señales de alerta)
who-leaves-from = Desde
who-leaves-to = Hasta
