package org.itgc.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.HtmlUtils;

/**
 * The second step of every interactive login: the TOTP code (or a recovery code), or, at the first login, the
 * enrolment (the secret as text and as an otpauth link, confirmed by one valid code, then the recovery codes shown
 * once). Reached only between the two steps.
 */
@Controller
class MfaController {

  static final String ENROL_SECRET = MfaController.class.getName() + ".secret";
  private static final String ISSUER = "ITGC Engine";

  private final Mfa mfa;
  private final MfaLogin login;
  private final UserAccounts accounts;
  private final AuditRecorder audit;
  private final HttpSessionRequestCache requests = new HttpSessionRequestCache();

  MfaController(Mfa mfa, MfaLogin login, UserAccounts accounts, AuditRecorder audit) {
    this.mfa = mfa;
    this.login = login;
    this.accounts = accounts;
    this.audit = audit;
  }

  @GetMapping(path = "/mfa", produces = MediaType.TEXT_HTML_VALUE)
  @ResponseBody
  String codePage(CsrfToken csrf, @RequestParam(required = false) String error) {
    return page("Second step", """
        <p>Enter the 6-digit code of your authenticator app for <b>%s</b>, or one of your recovery codes.</p>
        %s
        <form method="post" action="mfa">
          <input type="hidden" name="%s" value="%s">
          <label>Code <input name="code" id="code" autocomplete="one-time-code" autofocus required maxlength="16"></label>
          <button type="submit" class="primary" id="verify">Verify</button>
        </form>
        """.formatted(HtmlUtils.htmlEscape(pending().getName()), error == null ? "" : "<p class=error>" + MfaLogin.GENERIC_FAILURE + "</p>",
        csrf.getParameterName(), csrf.getToken()));
  }

  @PostMapping(path = "/mfa", produces = MediaType.TEXT_HTML_VALUE)
  void verify(@RequestParam(required = false) String code, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    MfaPendingAuthentication pending = pending();
    String user = pending.getName();
    if (mfa.locked(user) || !mfa.enrolled(user) || !mfa.verify(user, code, request.getRemoteAddr())) {
      if (mfa.locked(user)) {
        request.getSession().invalidate();
        response.sendRedirect(request.getContextPath() + "/login?error");
        return;
      }
      response.sendRedirect(request.getContextPath() + "/mfa?error");
      return;
    }
    complete(pending, request, response, "password+totp", true);
  }

  @GetMapping(path = "/mfa/enrol", produces = MediaType.TEXT_HTML_VALUE)
  @ResponseBody
  String enrolPage(CsrfToken csrf, HttpServletRequest request, @RequestParam(required = false) String error) {
    MfaPendingAuthentication pending = pending();
    if (mfa.enrolled(pending.getName())) {
      return codePage(csrf, null);
    }
    String secret = (String) request.getSession().getAttribute(ENROL_SECRET);
    if (secret == null) {
      secret = Totp.newSecret();
      request.getSession().setAttribute(ENROL_SECRET, secret);
    }
    String uri = Totp.uri(ISSUER, pending.getName(), secret);
    return page("Set up your second factor", """
        <p>Every login to ITGC Engine takes a password and a code from an authenticator app (RFC 6238 TOTP: Google
        Authenticator, Microsoft Authenticator, FreeOTP, 1Password...). Add an account to your app with this secret:</p>
        <p class=secret id=secret>%s</p>
        <p>or scan this code with the app:</p>
        %s
        <p>or open this link on the phone that holds your app: <a id=otpauth href="%s">%s</a></p>
        %s
        <form method="post" action="enrol">
          <input type="hidden" name="%s" value="%s">
          <label>Then enter the code it shows <input name="code" id="code" autocomplete="one-time-code" required maxlength="6"></label>
          <button type="submit" class="primary" id="confirm">Confirm</button>
        </form>
        """.formatted(secret, qrSvg(uri), HtmlUtils.htmlEscape(uri), HtmlUtils.htmlEscape(uri),
        error == null ? "" : "<p class=error>That code did not match: check the secret and your phone's clock.</p>",
        csrf.getParameterName(), csrf.getToken()));
  }

  @PostMapping(path = "/mfa/enrol", produces = MediaType.TEXT_HTML_VALUE)
  @ResponseBody
  String enrol(@RequestParam(required = false) String code, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    MfaPendingAuthentication pending = pending();
    String secret = (String) request.getSession().getAttribute(ENROL_SECRET);
    if (secret == null || mfa.enrolled(pending.getName())) {
      response.sendRedirect(request.getContextPath() + "/mfa");
      return null;
    }
    var codes = mfa.enrol(pending.getName(), secret, code, request.getRemoteAddr());
    if (codes.isEmpty()) {
      mfa.failed(pending.getName(), request.getRemoteAddr(), "enrolment code");
      response.sendRedirect(request.getContextPath() + "/mfa/enrol?error");
      return null;
    }
    request.getSession().removeAttribute(ENROL_SECRET);
    String next = complete(pending, request, response, "password+totp-enrolment", false);
    StringBuilder list = new StringBuilder("<ol id=recovery-codes>");
    codes.get().forEach(c -> list.append("<li>").append(c).append("</li>"));
    list.append("</ol>");
    return page("Your recovery codes", """
        <p>Your second factor is set up. Keep these recovery codes somewhere safe: each logs you in once when your phone
        is not at hand. They are shown only now; a security admin can reset your second factor if you lose both.</p>
        %s
        <p><a id=continue href="%s">Continue</a></p>
        """.formatted(list, HtmlUtils.htmlEscape(next)));
  }

  @GetMapping(path = "/mfa/password", produces = MediaType.TEXT_HTML_VALUE)
  @ResponseBody
  String passwordPage(CsrfToken csrf, @RequestParam(required = false) String error) {
    MfaPendingAuthentication pending = pending();
    if (pending.passwordChange() == null || !pending.secondFactorDone()) {
      throw new org.springframework.security.access.AccessDeniedException("no password change is due");
    }
    return page("Change your password", """
        <p>Your password must change before you go on: %s.</p>
        %s
        <form method="post" action="password">
          <input type="hidden" name="%s" value="%s">
          <label>Current password <input type="password" name="currentPassword" id="currentPassword" required maxlength="1024"></label>
          <label>New password <input type="password" name="newPassword" id="newPassword" required maxlength="1024"></label>
          <button type="submit" class="primary" id="change">Change password</button>
        </form>
        """.formatted(HtmlUtils.htmlEscape(pending.passwordChange()),
        error == null ? "" : "<p class=error id=password-error>" + HtmlUtils.htmlEscape(error) + "</p>",
        csrf.getParameterName(), csrf.getToken()));
  }

  @PostMapping(path = "/mfa/password", produces = MediaType.TEXT_HTML_VALUE)
  void changePassword(@RequestParam(required = false) String currentPassword,
      @RequestParam(required = false) String newPassword, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    MfaPendingAuthentication pending = pending();
    if (pending.passwordChange() == null || !pending.secondFactorDone()) {
      throw new org.springframework.security.access.AccessDeniedException("no password change is due");
    }
    try {
      accounts.changePassword(pending.getName(), currentPassword, newPassword);
    } catch (org.itgc.platform.web.InvalidInputException e) {
      response.sendRedirect(request.getContextPath() + "/mfa/password?error="
          + java.net.URLEncoder.encode(e.getMessage(), java.nio.charset.StandardCharsets.UTF_8));
      return;
    }
    complete(new MfaPendingAuthentication(pending.passwordAuthentication(), null, true), request, response,
        "password+totp+password-change", true);
  }

  /**
   * The code was right. When the password must change, that comes first; otherwise the user is who the password
   * said: the session gets the full login (new session id) and goes where they wanted.
   */
  private String complete(MfaPendingAuthentication pending, HttpServletRequest request, HttpServletResponse response,
      String method, boolean redirect) throws IOException {
    if (pending.passwordChange() != null) {
      var context = SecurityContextHolder.createEmptyContext();
      context.setAuthentication(new MfaPendingAuthentication(pending.passwordAuthentication(), pending.passwordChange(), true));
      SecurityContextHolder.setContext(context);
      request.changeSessionId();
      login.repository().saveContext(context, request, response);
      String next = request.getContextPath() + "/mfa/password";
      if (redirect) {
        response.sendRedirect(next);
      }
      return next;
    }
    Authentication full = pending.passwordAuthentication();
    var context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(full);
    SecurityContextHolder.setContext(context);
    request.changeSessionId();
    login.repository().saveContext(context, request, response);
    mfa.succeeded(full.getName());
    audit.record(AuditEvent.of("login.success", "user", full.getName())
        .actor(full.getName(), full.getAuthorities().stream().map(GrantedAuthority::getAuthority).sorted().toList())
        .clientAddress(request.getRemoteAddr()).detail("method", method).build());
    var saved = requests.getRequest(request, response);
    String next = saved == null || saved.getRedirectUrl().contains("/mfa") ? request.getContextPath() + "/app"
        : saved.getRedirectUrl();
    if (redirect) {
      response.sendRedirect(next);
    }
    return next;
  }

  /** A QR code of {@code text} as inline SVG: one square per dark module, a quiet zone of two modules. */
  static String qrSvg(String text) {
    try {
      var matrix = new com.google.zxing.qrcode.QRCodeWriter().encode(text, com.google.zxing.BarcodeFormat.QR_CODE, 0, 0,
          java.util.Map.of(com.google.zxing.EncodeHintType.MARGIN, 2));
      StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"qr\" viewBox=\"0 0 ")
          .append(matrix.getWidth()).append(' ').append(matrix.getHeight())
          .append("\" width=\"240\" height=\"240\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" ")
          .append("fill=\"#fff\"/><path fill=\"#000\" d=\"");
      for (int y = 0; y < matrix.getHeight(); y++) {
        for (int x = 0; x < matrix.getWidth(); x++) {
          if (matrix.get(x, y)) {
            svg.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
          }
        }
      }
      return svg.append("\"/></svg>").toString();
    } catch (com.google.zxing.WriterException e) {
      throw new IllegalStateException("cannot draw the QR code", e);
    }
  }

  private static MfaPendingAuthentication pending() {
    if (SecurityContextHolder.getContext().getAuthentication() instanceof MfaPendingAuthentication pending) {
      return pending;
    }
    throw new org.springframework.security.access.AccessDeniedException("no login waits for its second step");
  }

  /** The frame of the login's second step: the engine's own look (app.css), the brand, one card. */
  private static String page(String title, String body) {
    return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>%s - ITGC Engine</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="stylesheet" href="/app/app.css">
        <style>.secret{font-family:monospace;font-size:1.2rem;letter-spacing:.1rem;background:#f4f4f4;padding:.5rem}
        form label{display:block;margin:1rem 0;font-weight:600} form input{display:block;font-size:1.1rem;padding:.3rem;margin-top:.3rem}
        a{word-break:break-all}</style></head>
        <body><main id="main"><div class="login card"><p class="brand"><span aria-hidden="true">&#9878;</span> ITGC Engine</p>
        <h1>%s</h1>%s</div></main></body></html>
        """.formatted(title, title, body);
  }


}
