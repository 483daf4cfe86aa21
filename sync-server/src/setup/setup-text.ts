/**
 * The words of the `/setup` page, Bahasa Indonesia first (the shops this is for), English on
 * `?lang=en`. Menu names follow what the devices show in that language; where makers differ
 * (Android), the text says what to search for in Settings.
 */
export type SetupLanguage = 'id' | 'en';

export interface SetupText {
  htmlLang: string;
  title: string;
  intro: string;
  otherLanguage: string;
  otherLanguageLabel: string;
  step1: string;
  download: string;
  downloadPem: string;
  qrLabel: string;
  qrHint: string;
  step2: string;
  android: string;
  androidSteps: string[];
  ipad: string;
  ipadSteps: string[];
  windows: string;
  windowsSteps: string[];
  chromeos: string;
  chromeosSteps: string[];
  step3: string;
  fingerprintHint: string;
  fingerprintLabel: string;
  step4: string;
  openHint: string;
  noAddresses: string;
  /** Heading over the boxes heard on the LAN by mDNS (shown only when there are some). */
  otherBoxes: string;
  otherBoxesHint: string;
}

const id: SetupText = {
  htmlLang: 'id',
  title: 'Siapkan perangkat ini untuk Kiosk POS',
  intro:
    'Kasir dan layar dapur tersambung ke server LAN toko lewat alamat aman (https://). Agar tablet atau komputer ini memercayai alamat itu, pasang sekali sertifikat server LAN. Setelah itu aplikasi bisa dibuka tanpa internet dan staf bisa masuk dengan PIN.',
  otherLanguage: 'English',
  otherLanguageLabel: 'Show this page in English',
  step1: '1. Unduh sertifikat',
  download: 'Unduh sertifikat',
  downloadPem: 'Unduh dalam format .pem (ChromeOS, Linux)',
  qrLabel: 'Kode QR untuk mengunduh sertifikat',
  qrHint: 'Di perangkat lain: pindai kode ini dengan kamera untuk membuka unduhan.',
  step2: '2. Pasang sertifikat',
  android: 'Tablet Android',
  androidSteps: [
    'Ketuk “Unduh sertifikat”. Jika Chrome bertanya, pilih “Unduh”.',
    'Buka Setelan, ketik “sertifikat CA” di kolom cari, lalu pilih “Instal sertifikat” → “Sertifikat CA” (biasanya di Keamanan & privasi → Setelan keamanan lainnya → Enkripsi & kredensial).',
    'Ketuk “Tetap instal”, lalu pilih file kiosk-ca.crt dari folder Download. Masukkan PIN layar jika diminta.',
  ],
  ipad: 'iPad',
  ipadSteps: [
    'Buka halaman ini di Safari dan ketuk “Unduh sertifikat”, lalu ketuk “Izinkan” untuk mengunduh profil.',
    'Buka Pengaturan → “Profil Diunduh” (atau Umum → VPN & Manajemen Perangkat), ketuk profil Kiosk → Instal, dan masukkan kode sandi.',
    'Penting: buka Pengaturan → Umum → Mengenai → Pengaturan Kepercayaan Sertifikat, lalu nyalakan kepercayaan penuh untuk sertifikat Kiosk.',
  ],
  windows: 'Windows',
  windowsSteps: [
    'Klik “Unduh sertifikat” lalu buka file kiosk-ca.crt yang terunduh.',
    'Klik “Instal Sertifikat…” → Pengguna Saat Ini → “Tempatkan semua sertifikat di penyimpanan berikut” → Telusuri → “Otoritas Sertifikasi Akar Tepercaya” → Selesai → Ya.',
    'Tutup semua jendela browser, lalu buka lagi.',
  ],
  chromeos: 'Chromebook (ChromeOS)',
  chromeosSteps: [
    'Klik “Unduh dalam format .pem”.',
    'Buka Setelan → Privasi dan keamanan → Keamanan → Kelola sertifikat → Otoritas → Impor, lalu pilih file yang terunduh.',
    'Centang “Percayai sertifikat ini untuk mengidentifikasi situs” lalu klik OK.',
  ],
  step3: '3. Periksa sidik jari',
  fingerprintHint:
    'Perangkat menampilkan sidik jari SHA-256 sertifikat saat memasang. Cocokkan dengan yang di bawah ini, juga dengan yang tercetak di layar server LAN saat mulai. Jika berbeda, jangan pasang.',
  fingerprintLabel: 'Sidik jari SHA-256',
  step4: '4. Buka alamat aman',
  openHint: 'Setelah sertifikat terpasang, buka salah satu alamat ini di perangkat ini (simpan di layar utama):',
  noAddresses: 'Server LAN belum punya alamat https://. Lihat layar server LAN saat mulai.',
  otherBoxes: 'Box Kiosk lain di jaringan ini',
  otherBoxesHint:
    'Box ini mendengar box Kiosk lain di jaringan yang sama. Setiap box punya sertifikat sendiri: untuk memakai box lain, buka halaman siapkan (/setup) milik box itu.',
};

const en: SetupText = {
  htmlLang: 'en',
  title: 'Set up this device for Kiosk POS',
  intro:
    'Tills and kitchen displays connect to the shop’s LAN box through a secure address (https://). For this tablet or computer to trust that address, install the box’s certificate once. After that the app opens without internet and staff can sign in with their PIN.',
  otherLanguage: 'Bahasa Indonesia',
  otherLanguageLabel: 'Tampilkan halaman ini dalam Bahasa Indonesia',
  step1: '1. Download the certificate',
  download: 'Download certificate',
  downloadPem: 'Download as .pem (ChromeOS, Linux)',
  qrLabel: 'QR code to download the certificate',
  qrHint: 'On another device: scan this code with the camera to open the download.',
  step2: '2. Install the certificate',
  android: 'Android tablet',
  androidSteps: [
    'Tap “Download certificate”. If Chrome asks, choose “Download”.',
    'Open Settings, type “CA certificate” in the search field, then choose “Install a certificate” → “CA certificate” (usually under Security & privacy → More security settings → Encryption & credentials).',
    'Tap “Install anyway” and pick kiosk-ca.crt from the Download folder. Enter the screen lock PIN if asked.',
  ],
  ipad: 'iPad',
  ipadSteps: [
    'Open this page in Safari, tap “Download certificate”, then tap “Allow” to download the profile.',
    'Open Settings → “Profile Downloaded” (or General → VPN & Device Management), tap the Kiosk profile → Install, and enter the passcode.',
    'Important: open Settings → General → About → Certificate Trust Settings and turn on full trust for the Kiosk certificate.',
  ],
  windows: 'Windows',
  windowsSteps: [
    'Click “Download certificate” and open the downloaded kiosk-ca.crt.',
    'Click “Install Certificate…” → Current User → “Place all certificates in the following store” → Browse → “Trusted Root Certification Authorities” → Finish → Yes.',
    'Close every browser window, then open the browser again.',
  ],
  chromeos: 'Chromebook (ChromeOS)',
  chromeosSteps: [
    'Click “Download as .pem”.',
    'Open Settings → Privacy and security → Security → Manage certificates → Authorities → Import, and pick the downloaded file.',
    'Tick “Trust this certificate for identifying websites” and click OK.',
  ],
  step3: '3. Check the fingerprint',
  fingerprintHint:
    'The device shows the certificate’s SHA-256 fingerprint while installing it. Compare it with the one below and with the one the LAN box printed when it started. If they differ, do not install it.',
  fingerprintLabel: 'SHA-256 fingerprint',
  step4: '4. Open the secure address',
  openHint: 'Once the certificate is installed, open one of these addresses on this device (and add it to the home screen):',
  noAddresses: 'The LAN box has no https:// address yet. See what the box printed when it started.',
  otherBoxes: 'Other Kiosk boxes on this network',
  otherBoxesHint:
    "This box hears other Kiosk boxes on the same network. Each box has its own certificate: to use another box, open that box's own setup page (/setup).",
};

export const SETUP_TEXT: Record<SetupLanguage, SetupText> = { id, en };

/** `?lang=en` → English; anything else (or nothing) → Bahasa Indonesia. */
export function setupLanguage(query: unknown): SetupLanguage {
  return query === 'en' ? 'en' : 'id';
}
