/*
 * Links Camunda Tasklist with ITGC Engine's own pages: a "Home" link and a "My requests" link in Tasklist's header,
 * and a sign-out that ends the engine's session and lands on the engine's sign-in page (instead of Tasklist's own
 * login view, which the engine does not use, showing the last user and an empty "Failure:").
 */
const root = (document.querySelector('base') && document.querySelector('base').getAttribute('app-root')) || '/camunda';
const site = root.replace(/\/camunda$/, '');

function cookie(name) {
  const match = document.cookie.split('; ').find(c => c.startsWith(name + '='));
  return match ? decodeURIComponent(match.substring(name.length + 1)) : null;
}

function signOut(event) {
  event.preventDefault();
  event.stopImmediatePropagation();
  const token = cookie('XSRF-TOKEN');
  fetch(root + '/api/admin/auth/user/default/logout', {
    method: 'POST', credentials: 'same-origin', redirect: 'manual',
    headers: token ? {'X-XSRF-TOKEN': token} : {}
  }).finally(() => { window.location.href = site + '/login?logout'; });
}

function addLinks() {
  const header = document.querySelector('[cam-widget-header] .navbar-header, .cam-brand, header .navbar-brand');
  if (header && !document.getElementById('itgc-home')) {
    const links = document.createElement('span');
    links.id = 'itgc-links';
    links.style.marginLeft = '1rem';
    links.innerHTML = '<a id="itgc-home" href="' + site + '/app">ITGC home</a> &middot; '
      + '<a id="itgc-requests" href="' + site + '/app/requests">My requests</a>';
    header.parentNode.insertBefore(links, header.nextSibling);
  }
}

document.addEventListener('click', event => {
  const link = event.target.closest('a');
  if (link && link.closest('li.logout')) {
    signOut(event);
  }
}, true);

new MutationObserver(addLinks).observe(document.documentElement, {childList: true, subtree: true});
addLinks();
