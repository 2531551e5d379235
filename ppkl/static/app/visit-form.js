// The visit form, enhanced: with JavaScript the visit is kept on the phone first (IndexedDB, with
// an id made here) and sent by the queue, so it is never lost for want of signal. Without
// JavaScript the form posts to the server as it always did.
import * as queue from "./queue.js";
import { resizePhoto } from "./photos.js";
import { requestBackgroundSync, syncNow } from "./sync.js";
import { t } from "./strings.js";

const FIELDS = ["visited_on", "people_met", "notes", "outcome", "follow_up_on", "follow_up_action"];
// Move fields the phone does not send: the form's own bookkeeping and the file (sent apart).
const MOVE_SKIPPED = ["to_stage", "pending", "code_nik", "certificate", "form_key"];
// A certificate photo keeps more pixels than a visit photo: its barcode must stay readable.
const CERTIFICATE_SIZE = { longestSide: 2000, quality: 0.85 };

let position = null;

function watchPosition(line) {
  if (!line || !("geolocation" in navigator)) return;
  line.hidden = false;
  line.textContent = t("location_wait");
  navigator.geolocation.getCurrentPosition(
    (fix) => {
      position = {
        latitude: fix.coords.latitude,
        longitude: fix.coords.longitude,
        accuracy_m: fix.coords.accuracy,
        fixed_at: new Date(fix.timestamp).toISOString(),
      };
      line.textContent = t("location_ok", { metres: Math.round(fix.coords.accuracy) });
    },
    () => {
      line.textContent = t("location_none");
    },
    { enableHighAccuracy: true, timeout: 30000, maximumAge: 120000 },
  );
}

function value(id) {
  const input = document.getElementById(id);
  const text = input ? input.value.trim() : "";
  return text === "" ? null : text;
}

function showError(target, message) {
  const box = document.createElement("div");
  box.className = "invalid-feedback d-block js-error";
  box.textContent = message;
  target.after(box);
  if (target.classList) target.classList.add("is-invalid");
}

function clearErrors(form) {
  form.querySelectorAll(".js-error").forEach((node) => node.remove());
  form.querySelectorAll(".is-invalid").forEach((node) => node.classList.remove("is-invalid"));
}

function readVisit(form) {
  const select = document.getElementById("cooperative_id");
  const option = select.selectedOptions[0];
  const visit = { id: crypto.randomUUID(), cooperative_id: select.value ? Number(select.value) : null };
  FIELDS.forEach((name) => {
    visit[name] = value(name);
  });
  visit.purposes = [...form.querySelectorAll('input[name="purposes"]:checked')].map((box) => box.value);
  visit.location = position;
  return { visit, cooperativeName: option ? option.textContent.split(" · ")[0] : "" };
}

// Every move the form offers goes through the queue: its evidence fields are read as they are
// named on the form (move-<field>); the server's rules check them.
function readMove(fieldset) {
  const move = { id: crypto.randomUUID(), to_stage: fieldset.dataset.toStage };
  fieldset.querySelectorAll("input[name^='move-'], textarea[name^='move-'], select[name^='move-']").forEach((input) => {
    const name = input.name.slice("move-".length);
    if (MOVE_SKIPPED.includes(name) || input.type === "file") return;
    const text = input.value.trim();
    if (text !== "") move[name] = text;
  });
  return move;
}

// Every evidence field is required (the note is not). The NIK typed on the phone is the officer's
// confirmation of the certificate: it gets its own message.
function checkMove(fieldset, move) {
  let ok = true;
  fieldset.querySelectorAll("input[name^='move-']:not([type=hidden]):not([type=file]):not([type=checkbox])").forEach((input) => {
    const name = input.name.slice("move-".length);
    if (move[name] !== undefined) return;
    showError(input, t(name === "nik" ? "nik_required" : "field_required"));
    ok = false;
  });
  return ok;
}

// Online, the server reads the certificate's code as soon as the photo is chosen and the NIK it
// holds goes into the field for the officer to check against the certificate. Offline (or if
// reading fails) nothing happens here: the officer types the NIK and the server compares it with
// the code when the move arrives.
function readCodeWhenOnline() {
  const input = document.getElementById("move-certificate");
  const nik = document.getElementById("move-nik");
  const select = document.getElementById("cooperative_id");
  if (!input || !nik || !select) return;
  const line = document.createElement("p");
  line.id = "certificate-reading";
  line.className = "form-text";
  line.setAttribute("role", "status");
  line.hidden = true;
  input.after(line);
  input.addEventListener("change", async () => {
    line.hidden = true;
    const file = input.files[0];
    if (!file || !navigator.onLine || file.type === "application/pdf") return;
    let answer;
    try {
      const resized = await resizePhoto(file, CERTIFICATE_SIZE);
      const form = new FormData();
      form.append("certificate", resized.blob, "sertifikat.jpg");
      const csrf = document.querySelector('meta[name="csrf-token"]').content;
      const response = await fetch(`/api/v1/cooperatives/${select.value}/certificate-reading`, {
        method: "POST",
        body: form,
        headers: { Accept: "application/json", "X-CSRFToken": csrf },
        credentials: "same-origin",
      });
      if (response.status !== 200) return;
      answer = await response.json();
    } catch (error) {
      return; // no signal after all, or a photo the phone cannot read: typed by hand
    }
    const typed = nik.value.trim();
    line.textContent = answer.message;
    if (answer.status === "found" && typed && typed !== answer.nik) {
      line.textContent += `. ${t("nik_typed")}: ${typed}. ${t("nik_differs_prefill")}`;
    }
    if (answer.status === "found") nik.value = answer.nik;
    line.hidden = false;
  });
}

// The certificate's photo, made smaller like visit photos (a PDF scan is kept as it is).
async function readCertificate(input) {
  const file = input && input.files[0];
  if (!file) return { certificate: null, files: [] };
  const id = crypto.randomUUID();
  if (file.type === "application/pdf") {
    return { certificate: { id, name: file.name, size: file.size }, files: [{ id, blob: file }] };
  }
  let resized;
  try {
    resized = await resizePhoto(file, CERTIFICATE_SIZE);
  } catch (error) {
    showError(input, t("photo_unreadable", { name: file.name }));
    return null;
  }
  const name = `${file.name.replace(/\.[^.]*$/, "") || "sertifikat"}.jpg`;
  return { certificate: { id, name, size: resized.blob.size }, files: [{ id, blob: resized.blob }] };
}

// Only what the phone can tell for sure is checked here; the server's rules decide the rest, and
// its refusals are shown in the queue's list.
function checkVisit(form, visit) {
  let ok = true;
  if (!visit.cooperative_id) {
    // The picker's search field when picker.js hid the select behind it.
    const picker = document.getElementById("cooperative_id-q");
    showError(picker && picker.closest(".enhanced") ? picker.closest(".input-group") : document.getElementById("cooperative_id"), t("choose_cooperative"));
    ok = false;
  }
  if (!visit.visited_on) {
    showError(document.getElementById("visited_on"), t("date_required"));
    ok = false;
  }
  if (!visit.purposes.length) {
    showError(form.querySelector(".purpose-grid"), t("purpose_required"));
    ok = false;
  }
  return ok;
}

async function readPhotos(input) {
  const photos = [];
  const files = [];
  for (const file of input ? [...input.files] : []) {
    let resized;
    try {
      resized = await resizePhoto(file);
    } catch (error) {
      showError(input, t("photo_unreadable", { name: file.name }));
      return null;
    }
    const id = crypto.randomUUID();
    const name = `${file.name.replace(/\.[^.]*$/, "") || "photo"}.jpg`;
    photos.push({ id, name, size: resized.blob.size, done: false });
    files.push({ id, blob: resized.blob });
  }
  return { photos, files };
}

function resetForm(form) {
  FIELDS.filter((name) => name !== "visited_on").forEach((name) => {
    const input = document.getElementById(name);
    if (input) input.value = "";
  });
  form.querySelectorAll('input[name="purposes"]').forEach((box) => {
    box.checked = false;
  });
  const photos = document.getElementById("photos");
  if (photos) photos.value = "";
  const moving = document.getElementById("record_move");
  if (moving) moving.checked = false;
  // The move's evidence goes too (a NIK left in the field could be queued again by mistake);
  // its hidden fields (the version the page showed) stay.
  const reading = document.getElementById("certificate-reading");
  if (reading) reading.hidden = true;
  const fieldset = document.getElementById("stage-move");
  if (fieldset) {
    fieldset.querySelectorAll("input:not([type=hidden]):not([type=checkbox]), textarea").forEach((input) => {
      input.value = "";
    });
  }
}

function followItem(userId, id, box) {
  const update = async () => {
    const item = await queue.getItem(userId, id);
    if (item && item.state === "sent") box.textContent = t("sent_now");
    if (item && item.state === "refused") {
      box.className = "alert alert-danger";
      box.textContent = `${t("refused")}: ${item.refusal.message}`;
    }
  };
  queue.onChange(update);
}

export function enhance(userId) {
  const form = document.getElementById("visit-form");
  const saved = document.getElementById("visit-saved");
  const submit = form.querySelector('[type="submit"]');
  watchPosition(document.getElementById("visit-location"));
  readCodeWhenOnline();
  let busy = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    clearErrors(form);
    const { visit, cooperativeName } = readVisit(form);
    if (!checkVisit(form, visit)) return;
    const moving = document.getElementById("record_move");
    let move = null;
    if (moving && moving.checked) {
      const fieldset = document.getElementById("stage-move");
      move = readMove(fieldset);
      if (!checkMove(fieldset, move)) return;
    }
    busy = true;
    const label = submit.textContent;
    submit.disabled = true;
    submit.textContent = t("saving");
    try {
      const photos = await readPhotos(document.getElementById("photos"));
      if (photos === null) return;
      const certificate = move ? await readCertificate(document.getElementById("move-certificate")) : { certificate: null, files: [] };
      if (certificate === null) return;
      const item = {
        id: visit.id,
        kind: "visit",
        created_at: new Date().toISOString(),
        state: "waiting",
        cooperative: { id: visit.cooperative_id, name: cooperativeName },
        visit,
        visit_done: false,
        photos: photos.photos,
        move,
        move_done: false,
        certificate: certificate.certificate,
        refusal: null,
      };
      await queue.addItem(userId, item, [...photos.files, ...certificate.files]);
      saved.className = "alert alert-success";
      saved.textContent = t("saved_on_phone");
      saved.dataset.itemId = item.id;
      followItem(userId, item.id, saved);
      resetForm(form);
      window.scrollTo(0, 0);
      requestBackgroundSync();
      syncNow();
    } finally {
      busy = false;
      submit.disabled = false;
      submit.textContent = label;
    }
  });
}
