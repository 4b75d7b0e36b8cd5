## La página de baja de autoservicio (issue 17)
channel-self_service = Página de baja de autoservicio
cancel-title = Cancelar tu suscripción
cancel-from = { $business }
cancel-intro = Sentimos que te vayas. Cuéntanos por qué, para mejorar.
cancel-reason-legend = ¿Por qué cancelas?
cancel-words = ¿Quieres añadir algo? (opcional)
cancel-continue = Continuar
cancel-offer-title = Antes de irte
cancel-offer-lead = Algo que puede ayudarte, por tu motivo:
cancel-accept = Aceptar esta oferta
cancel-cancel = Cancelar mi suscripción
cancel-confirm-title = Confirma la cancelación
cancel-confirm-lead = Pulsa el botón para cancelar tu suscripción.
cancel-done-cancelled-title = Tu suscripción está cancelada
cancel-done-cancelled = Gracias por haber estado con nosotros. Tu cancelación está registrada.
cancel-done-accepted-title = Gracias por quedarte
cancel-done-accepted = Tu elección está registrada. Nosotros nos encargamos del resto.
cancel-done-before-title = Ya registrado
cancel-done-before = Tu respuesta a este enlace ya estaba registrada.
cancel-gone-title = El enlace ya no es válido
cancel-gone = Este enlace ya no es válido. Vuelve atrás y empieza de nuevo.
cancel-forbidden-title = Enlace no válido
cancel-forbidden = Este enlace no es válido.
cancel-error-reason = Elige un motivo.
cancel-error-words = Tu texto es demasiado largo (como mucho 2.000 caracteres).
cancel-error-other = Hay algo que corregir en el formulario.
cancel-offer-pause = Pausa tu suscripción { $months ->
    [one] un mes
   *[other] { $months } meses
} en lugar de cancelarla.
cancel-offer-discount = Un { $percent } % de descuento durante { $months ->
    [one] un mes
   *[other] { $months } meses
}.
cancel-offer-cheaper_plan = Cambia a un plan más barato: { $plan }.
cancel-offer-talk_to_us = Habla antes con nosotros: alguien del equipo se pondrá en contacto.
cancel-reason-work_quality = La calidad no estuvo a la altura de lo que esperaba
cancel-reason-price_too_high = Cuesta demasiado para lo que obtengo
cancel-reason-cheaper_competitor = Encontré una alternativa más barata
cancel-reason-needs_changed = Mis necesidades cambiaron / ya no lo necesito
cancel-reason-budget_cut = Me recortaron el presupuesto
cancel-reason-values_mismatch = No encaja conmigo
cancel-reason-no_results = No obtuve resultados / no lo usé lo suficiente
cancel-reason-other = Otro motivo

## Ajustes → Página de baja
cancel-settings-title = Página de baja
cancel-settings-intro = Tus clientes se dan de baja en una página tuya: te dicen por qué, pueden aceptar una oferta, y cualquiera de los dos finales queda registrado como un caso de salida.
cancel-settings-open = Configurar la página de baja
cancel-settings-link = Enlace y secreto
cancel-settings-public-id = Id público de este espacio:
cancel-settings-link-format = Tu aplicación envía a cada cliente a un enlace firmado con el secreto de baja:
cancel-settings-link-hint = Un enlace vale una hora. El id de cliente es el id externo del cliente (su id de cliente de Stripe o tu propio id).
cancel-settings-secret-title = Tu nuevo secreto de baja
cancel-settings-secret-once = Cópialo ahora: solo se muestra esta vez. Guárdalo en tu servidor, nunca en una página web.
cancel-settings-secret-set = Hay un secreto de baja (no se vuelve a mostrar).
cancel-settings-secret-none = Aún no hay secreto de baja: crea uno para empezar a firmar enlaces.
cancel-settings-secret-warning = Crear un secreto nuevo deja sin efecto al instante todos los enlaces firmados con el anterior.
cancel-settings-secret-make = Crear un secreto nuevo
cancel-settings-secret-owners = Solo los propietarios pueden crear un secreto nuevo.
cancel-settings-look = Aspecto de la página
cancel-settings-display-name = Nombre que ven los clientes
cancel-settings-display-name-hint = Como mucho 200 caracteres. Déjalo vacío para mostrar el nombre del espacio.
cancel-settings-save = Guardar
cancel-settings-logo = Logotipo
cancel-settings-logo-hint = Una imagen PNG o JPEG de como mucho { $kib } KiB.
cancel-settings-logo-current = Logotipo actual
cancel-settings-logo-upload = Subir el logotipo
cancel-settings-logo-remove = Quitar el logotipo
cancel-settings-offers = Ofertas por motivo
cancel-settings-offers-intro = Para cada motivo que un cliente puede dar, elige qué ofrecerle antes de que se dé de baja. Una variante B se muestra a la mitad de los clientes, más o menos, para poder comparar.
cancel-settings-offers-suggested = Son sugerencias a partir de tus motivos; se aplican cuando las guardes.
cancel-settings-offers-hint = Pausa: de 1 a 3 meses. Descuento: del 1 al 100 % durante 1 a 12 meses. Plan más barato: el plan y su precio en palabras, y su id de precio de Stripe si lo tienes.
cancel-settings-save-offers = Guardar las ofertas
cancel-settings-variant-a = Oferta
cancel-settings-variant-b = Variante B (opcional)
cancel-settings-field-kind = Oferta
cancel-settings-field-months = Meses
cancel-settings-field-percent = Porcentaje de descuento
cancel-settings-field-plan = Plan y precio
cancel-settings-field-price-id = Id de precio de Stripe
cancel-settings-kind-none = Sin oferta
cancel-settings-kind-pause = Pausa
cancel-settings-kind-discount = Descuento
cancel-settings-kind-cheaper-plan = Plan más barato
cancel-settings-kind-talk-to-us = Hablar con nosotros
cancel-settings-saved-offers = Las ofertas se han guardado.
cancel-settings-saved-name = El nombre se ha guardado.
cancel-settings-saved-logo = El logotipo se ha guardado.
cancel-settings-removed-logo = El logotipo se ha quitado.
cancel-settings-refused = No se ha guardado nada: corrige los campos marcados abajo.
cancel-settings-error-kind = Revisa la oferta.
cancel-settings-error-months = Revisa los meses.
cancel-settings-error-percent = Revisa el porcentaje.
cancel-settings-error-plan = Revisa el plan.
cancel-settings-error-price-id = Revisa el id de precio de Stripe.
cancel-settings-error-display-name = Revisa el nombre.
cancel-settings-error-logo = Revisa el archivo del logotipo.
cancel-settings-error-other = Revisa las ofertas.

## Panel → Página de baja
cancel-report-title = Página de baja
cancel-report-description = Enlaces abiertos en tu página de baja, los clientes que se quedaron gracias a una oferta y el MRR que pagan, por mes.
cancel-report-sessions = Sesiones
cancel-report-cancelled = Bajas
cancel-report-saves = Retenidos
cancel-report-saved-mrr = MRR retenido
cancel-report-offers-title = Página de baja: ofertas y motivos
cancel-report-variant = Variante
cancel-report-shown = Mostrada
cancel-report-accepted = Aceptada
cancel-report-accept-rate = Tasa de aceptación
cancel-report-no-offers = No se mostró ninguna oferta en estos meses.
cancel-report-reasons = Motivos dados
cancel-report-reason = Motivo
cancel-report-count = Clientes
cancel-report-no-sessions = Ningún cliente terminó la página de baja en estos meses.
