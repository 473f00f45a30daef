// htmx sends the CSRF token of the page with every state-changing request it makes
document.addEventListener('htmx:configRequest', function (event) {
  var token = document.querySelector('meta[name=_csrf]');
  var header = document.querySelector('meta[name=_csrf_header]');
  if (token && header) {
    event.detail.headers[header.content] = token.content;
  }
});
// a button with data-confirm asks before it acts (bulk actions, certifying flagged items)
document.addEventListener('click', function (event) {
  var button = event.target.closest('[data-confirm]');
  if (button && !window.confirm(button.getAttribute('data-confirm'))) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
