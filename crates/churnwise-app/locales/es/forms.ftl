# Errores de campo que dicen por qué (issue #13, helper "forms").
form-too-long-max = Como máximo { $max } caracteres.
form-date-future = Esta fecha es posterior a hoy: un aviso no puede llegar en el futuro.
form-end-before-notice = El fin solicitado debe ser igual o posterior a la fecha del aviso.
form-follow-up-before-case = El seguimiento debe ser igual o posterior al día en que se abrió el caso (la fecha del aviso).
form-client-name-taken = Otro cliente ya tiene este nombre. Da a cada cliente un nombre propio (la línea de órdenes busca los clientes por nombre).

# La tarjeta de salud de un cliente con un caso de baja abierto.
health-badge-leaving = Se va
health-leaving = Este cliente ha avisado de que se va: hay un caso de baja abierto.
health-leaving-on = Este cliente ha avisado de que se va y ha pedido terminar el { $date }: hay un caso de baja abierto.
health-leaving-see-case = Ver el caso de baja

# Ajustes: un solo ajuste de idioma, con lo que abarca.
settings-one-language-hint = El único ajuste de idioma de su cuenta: las páginas que ve y sus resúmenes por correo. «El de mi navegador» usa el idioma de su navegador.
