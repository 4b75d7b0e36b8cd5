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
