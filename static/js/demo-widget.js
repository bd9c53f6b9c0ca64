// The demo's example widget: asks the host who the user is, then lets its own backend verify
// the credentials with vzconnect's federation userinfo endpoint.
(function () {
  "use strict";
  var widget = new VzWidget();
  var result = document.getElementById("result");
  document.getElementById("who").addEventListener("click", function () {
    result.textContent = "Asking…";
    widget
      .requestIdentity()
      .then(function (credentials) {
        return fetch("/demo/widget/verify?token=" + encodeURIComponent(credentials.access_token)).then(function (r) {
          return r.json();
        });
      })
      .then(
        function (who) { result.textContent = "You are " + who.sub + " (verified by the widget's backend)."; },
        function (e) { result.textContent = "No identity: " + e.message; }
      );
  });
})();
