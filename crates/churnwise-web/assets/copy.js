// Progressive enhancement: a hidden button with data-copy="ID" appears when
// the browser can copy, and copies the value of the field with that id.
// Without JavaScript the field itself is there to select and copy.
(function () {
  'use strict';
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var field = document.getElementById(button.getAttribute('data-copy'));
    if (!field) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var done = function () {
        button.textContent = button.getAttribute('data-copied');
        button.setAttribute('aria-live', 'polite');
      };
      var fallback = function () {
        field.select();
        try { if (document.execCommand('copy')) done(); } catch (e) { /* the field stays selected */ }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
})();
