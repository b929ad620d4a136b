// The OpenAPI page (/docs): Swagger UI from the vendored bundle, reading this server's /openapi.json only.
window.addEventListener("load", function () {
  window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false
  });
});
