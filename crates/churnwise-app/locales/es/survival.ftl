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
