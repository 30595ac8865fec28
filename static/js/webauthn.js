// Security keys and passkeys (WebAuthn): adding one on the Security page (form
// data-webauthn="register") and signing in with one on the second-factor page (form
// data-webauthn="sign-in"). The server makes the options and checks the answers; this file only
// carries them between the server and the browser, binary fields as base64url. Messages shown
// here come translated from the server, or from the form's data-error-* attributes.
(function () {
  "use strict";

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBuffer(item.id) });
    });
  }

  function creationOptions(options) {
    return Object.assign({}, options, {
      challenge: toBuffer(options.challenge),
      user: Object.assign({}, options.user, { id: toBuffer(options.user.id) }),
      excludeCredentials: descriptors(options.excludeCredentials),
    });
  }

  function requestOptions(options) {
    return Object.assign({}, options, {
      challenge: toBuffer(options.challenge),
      allowCredentials: descriptors(options.allowCredentials),
    });
  }

  function credentialJSON(credential) {
    var answer = credential.response;
    var response = { clientDataJSON: toText(answer.clientDataJSON) };
    if (answer.attestationObject) {
      response.attestationObject = toText(answer.attestationObject);
      response.transports = answer.getTransports ? answer.getTransports() : [];
    } else {
      response.authenticatorData = toText(answer.authenticatorData);
      response.signature = toText(answer.signature);
      if (answer.userHandle) { response.userHandle = toText(answer.userHandle); }
    }
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: response,
    };
  }

  function ServerError(data) {
    this.data = data || {};
  }

  async function post(form, url, body) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body),
    });
    var data = null;
    try { data = await response.json(); } catch (ignored) { data = null; }
    if (!response.ok || data === null) { throw new ServerError(data); }
    return data;
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-webauthn-field-error]").forEach(function (node) { node.remove(); });
    var general = form.querySelector("[data-webauthn-error]");
    general.textContent = "";
    general.hidden = true;
  }

  function showError(form, error) {
    var data = error instanceof ServerError ? error.data : {};
    var general = form.querySelector("[data-webauthn-error]");
    general.textContent = data.error || form.dataset.errorFailed;
    general.hidden = false;
    Object.keys(data.fields || {}).forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (!input || !input.parentNode) { return; }
      var list = document.createElement("ul");
      list.className = "errorlist";
      list.setAttribute("data-webauthn-field-error", "");
      data.fields[name].forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
      input.parentNode.insertBefore(list, input);
    });
    if (data.redirect) { window.location.assign(data.redirect); }
  }

  function fieldsOf(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") { fields[name] = value; }
    });
    return fields;
  }

  async function register(form) {
    var fields = fieldsOf(form);
    var options = await post(form, form.dataset.optionsUrl, fields);
    var credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
    var body = Object.assign({}, fields, { credential: credentialJSON(credential) });
    return post(form, form.action, body);
  }

  async function signIn(form) {
    var options = await post(form, form.dataset.optionsUrl, {});
    var credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
    var next = form.elements.namedItem("next");
    var url = form.action + (next && next.value ? "?next=" + encodeURIComponent(next.value) : "");
    return post(form, url, { credential: credentialJSON(credential) });
  }

  function supported() {
    return Boolean(window.PublicKeyCredential && navigator.credentials);
  }

  function run(form, ceremony) {
    var button = form.querySelector("[data-webauthn-start]");
    clearErrors(form);
    if (!supported()) {
      showError(form, new ServerError({ error: form.dataset.errorUnsupported }));
      return;
    }
    button.disabled = true;
    ceremony(form).then(
      function (data) { window.location.assign(data.redirect); },
      function (error) {
        button.disabled = false;
        showError(form, error);
      }
    );
  }

  document.querySelectorAll("form[data-webauthn=register]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run(form, register);
    });
  });

  document.querySelectorAll("form[data-webauthn=sign-in]").forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.querySelector("[data-webauthn-start]").addEventListener("click", function () {
      run(form, signIn);
    });
  });
})();
