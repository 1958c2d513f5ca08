// 批量导入会员: once the file is sent, say that the server is working and keep the form from being sent twice.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("member-import-form");
  var notice = document.getElementById("importing");
  if (!form || !notice) { return; }
  form.addEventListener("submit", function () {
    notice.hidden = false;
    var button = form.querySelector("button[type=submit]");
    if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
  });
});
