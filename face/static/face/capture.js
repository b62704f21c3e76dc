// Webcam portrait: live preview with an oval guide, shutter, retake. The frame is sent as a JPEG to the
// capture URL (the same one the file form posts to) and the verdict shown with its reasons; the list of
// portraits below is updated from the answer. Live guidance: a few times a second (data-live-rate) a
// copy of the preview (at most 640 pixels wide) goes to the live URL, and the one instruction that comes back is
// shown next to the oval, which turns green when a shot would pass. The shutter works at all times; if
// the live check fails, the page goes on without it. Without a camera or without JavaScript the file
// form below still works.
(function () {
  "use strict";
  var root = document.getElementById("capture");
  if (!root) return;
  var text = JSON.parse(document.getElementById("camera-text").textContent);
  var video = document.getElementById("preview");
  var still = document.getElementById("still");
  var status = document.getElementById("camera-status");
  var shutter = document.getElementById("shutter");
  var retake = document.getElementById("retake");
  var done = document.getElementById("done");
  var verdict = document.getElementById("verdict");
  var guide = document.getElementById("guide");
  var csrf = document.querySelector("#upload-form [name=csrfmiddlewaretoken]").value;
  var sessionInput = document.querySelector("#upload-form [name=session]");
  var session = sessionInput ? sessionInput.value : "";
  var viewfinder = root.querySelector(".viewfinder");
  var guidance = document.getElementById("guidance");
  var liveRate = parseFloat(root.dataset.liveRate) || 0;
  var liveCanvas = document.createElement("canvas");
  var liveWaiting = false, liveOn = false, liveTimer = null, liveStarted = 0;
  var LIVE_WIDTH = 640;
  var NO_FACE_DELAY = 1000; // nobody in front of the camera: one check a second is enough (and cheaper)
  var busy = false;

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return; // file form only
  root.hidden = false;

  navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" }, audio: false
  }).then(function (stream) {
    video.srcObject = stream;
    return video.play();
  }).then(function () {
    status.textContent = text.ready;
    shutter.disabled = false;
    shutter.focus();
    startLive();
  }).catch(function (err) {
    // The browser's error names (NotFoundError...) are English codes: say the cause in the user's language.
    var cause = {NotFoundError: text.camera_none, OverconstrainedError: text.camera_none,
                 NotAllowedError: text.camera_denied, SecurityError: text.camera_denied,
                 NotReadableError: text.camera_busy, AbortError: text.camera_busy}[err && err.name];
    status.textContent = cause ? cause + " " + text.no_camera : text.no_camera;
    status.className = "camera-status bad";
  });

  function shoot() {
    if (busy || shutter.disabled || !video.videoWidth) return;
    busy = true;
    shutter.disabled = true;
    var started = performance.now();
    still.width = video.videoWidth;
    still.height = video.videoHeight;
    still.getContext("2d").drawImage(video, 0, 0);
    video.hidden = true;
    still.hidden = false; // the shot stays on screen while it is checked
    status.textContent = text.checking;
    status.className = "camera-status";
    still.toBlob(function (blob) {
      var body = new FormData();
      body.append("image", blob, "webcam.jpg");
      body.append("source", "webcam");
      body.append("session", session);
      fetch(root.dataset.url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrf }
      }).then(function (response) {
        return response.json();
      }).then(function (answer) {
        show(answer, performance.now() - started);
      }).catch(function () {
        status.textContent = text.failed;
        status.className = "camera-status bad";
        again();
      });
    }, "image/jpeg", 0.92);
  }

  // --- Live guidance --------------------------------------------------------------------------------
  function startLive() {
    if (!liveRate || !root.dataset.liveUrl || !session || !window.fetch) return;
    liveOn = true;
    liveStarted = performance.now();
    liveCheck(); // the first instruction right away, then every 1/rate seconds
  }

  function nextLive(delay) {
    if (liveTimer) window.clearTimeout(liveTimer);
    if (liveOn) liveTimer = window.setTimeout(liveCheck, delay);
  }

  function stopLive(message) {
    liveOn = false;
    if (liveTimer) window.clearTimeout(liveTimer);
    viewfinder.classList.remove("ok");
    guidance.hidden = !message;
    guidance.textContent = message || "";
  }

  function liveCheck() {
    // One check at a time, none while a shot is being checked or its verdict is on screen.
    if (!liveOn || liveWaiting) return;
    if (busy || video.hidden || !video.videoWidth) { nextLive(1000 / liveRate); return; }
    liveWaiting = true;
    // The frame at the camera's own size up to 640 pixels wide: a small face in a 320-pixel copy was
    // lost, and the guidance then said "more light" where the shot says "move closer" (issue 25).
    liveCanvas.width = Math.min(LIVE_WIDTH, video.videoWidth);
    liveCanvas.height = Math.round(liveCanvas.width * video.videoHeight / video.videoWidth);
    liveCanvas.getContext("2d").drawImage(video, 0, 0, liveCanvas.width, liveCanvas.height);
    liveCanvas.toBlob(function (blob) {
      var body = new FormData();
      body.append("frame", blob, "live.jpg");
      body.append("width", video.videoWidth);
      body.append("height", video.videoHeight);
      body.append("session", session);
      fetch(root.dataset.liveUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrf }
      }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (answer) {
        liveWaiting = false;
        nextLive(answer.reasons[0] === "no_face" ? NO_FACE_DELAY : Math.max(100, 1000 / liveRate));
        if (busy || video.hidden) return;
        guidance.textContent = answer.instruction;
        if (guidance.hidden && !viewfinder.dataset.firstMs) { // how soon the first instruction came
          viewfinder.dataset.firstMs = Math.round(performance.now() - liveStarted);
        }
        guidance.hidden = false;
        viewfinder.classList.toggle("ok", !!answer.accepted);
        viewfinder.dataset.live = answer.accepted ? "ok" : answer.reasons.join(",");
      }).catch(function () {
        liveWaiting = false;
        stopLive(text.live_unavailable); // the shutter and its verdict work as before
      });
    }, "image/jpeg", 0.7);
  }

  function show(answer, ms) {
    busy = false;
    if (answer.error) {
      status.textContent = answer.error;
      status.className = "camera-status bad";
      again();
      return;
    }
    guide.hidden = true;
    guidance.hidden = true;
    viewfinder.classList.remove("ok");
    if (answer.portraits_html) {
      var list = document.getElementById("portraits");
      list.innerHTML = answer.portraits_html;
      if (window.htmx) window.htmx.process(list);  // the list polls while the new portrait is encoded
    }
    verdict.hidden = false;
    verdict.className = "verdict " + (answer.accepted ? "ok" : "bad");
    verdict.dataset.accepted = answer.accepted ? "yes" : "no";
    verdict.dataset.ms = Math.round(ms);
    document.getElementById("verdict-headline").textContent = (answer.accepted ? "✓ " : "✗ ") + answer.headline;
    var list = document.getElementById("verdict-reasons");
    list.textContent = "";
    answer.messages.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    document.getElementById("verdict-link").href = answer.url;
    document.getElementById("verdict-time").textContent = text.time.replace("%(ms)s", Math.round(ms));
    status.textContent = answer.accepted ? text.saved : text.retake;
    status.className = "camera-status " + (answer.accepted ? "ok" : "bad");
    shutter.hidden = true; // next step: retake or back to the file
    retake.hidden = false;
    retake.className = answer.accepted ? "big" : "primary big";
    done.hidden = false;
    done.className = answer.accepted ? "button primary big" : "button big";
    (answer.accepted ? done : retake).focus();
  }

  function again() {
    busy = false;
    still.hidden = true;
    video.hidden = false;
    shutter.disabled = false;
  }

  shutter.addEventListener("click", shoot);
  retake.addEventListener("click", function () {
    again();
    shutter.hidden = false;
    retake.hidden = true;
    done.hidden = true;
    verdict.hidden = true;
    guide.hidden = false;
    status.textContent = text.ready;
    status.className = "camera-status";
    shutter.focus();
    liveCheck();
  });
  // The keyboard: Space or Enter takes the shot when the focus is on the shutter, or on nothing that
  // takes keys itself (a place to type, or another button or link, which keeps its own Space and Enter).
  function takesKeys(el) {
    if (!el || el === document.body || el === document.documentElement) return false;
    var tag = el.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || tag === "button" || tag === "summary" ||
      (tag === "a" && el.hasAttribute("href")) || el.isContentEditable;
  }
  document.addEventListener("keydown", function (ev) {
    if ((ev.key !== " " && ev.key !== "Enter") || ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    if (shutter.hidden || (ev.target !== shutter && takesKeys(ev.target))) return;
    ev.preventDefault(); // the shutter's own click would come on key up: one shot, taken now
    if (!ev.repeat) shoot();
  });
})();
