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
