// The page's own texts in Vietnamese and English, the page language, and the alert
// announcements of the ARIA live regions. (The map's labels come from the tiles.)
export const TEXT = {
  en: {
    map: 'Map of Da Nang. Drag to pan, scroll to zoom, click a place to learn what it is.',
    loading: 'Loading the map…',
    loadingTiles: 'Loading tiles…',
    simulated: 'Simulated data',
    simulatedTitle: 'The live feeds shown (traffic, sensors, alerts, buses, shelters) are simulated, not real observations.',
    severity: { info: 'Information', minor: 'Minor alert', moderate: 'Alert', severe: 'Severe alert', extreme: 'Extreme alert' },
    more: (n) => `${n} more alert${n === 1 ? '' : 's'}`,
    controls: 'Map controls',
    layers: 'Layers',
    groups: ['Water', 'Land use & parks', 'Buildings', 'Roads', 'Railways', 'Administrative units', 'Bus routes & stops', 'IOC stations & shelters', 'Places of interest', 'Labels', 'Overlays'],
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    northUp: 'North up',
    closeCard: 'Close the card',
    searchPlaceholder: 'Search places, streets, stops…',
    searchLabel: 'Search the map',
    searchResults: 'Search results',
    searchNone: 'No results',
    searchLoading: 'Loading the search index…',
    otherLanguage: 'Tiếng Việt',
    otherLanguageTitle: 'Chuyển sang tiếng Việt',
    copyLink: 'Copy link',
    copyLinkTitle: 'Copy a link to this view, selection, layers and language',
    copied: 'Link copied',
    copyFailed: 'Copy this link:',
    selected: (t) => `Selected: ${t}`,
    card: 'Selected place',
    alerts: 'Active alerts',
    alertsCount: (n) => (n ? `Active alerts (${n})` : 'No active alerts'),
    alertKind: { flood: 'Flood', storm: 'Storm', landslide: 'Landslide', trafficJam: 'Traffic jam', accident: 'Accident', roadClosure: 'Road closure' },
    showOnMap: 'Show on map',
    showOnMapOf: (t) => `Show on map: ${t}`,
  },
  vi: {
    map: 'Bản đồ Đà Nẵng. Kéo để di chuyển, cuộn để phóng to hoặc thu nhỏ, bấm vào một nơi để xem thông tin.',
    loading: 'Đang tải bản đồ…',
    loadingTiles: 'Đang tải dữ liệu bản đồ…',
    simulated: 'Dữ liệu mô phỏng',
    simulatedTitle: 'Dữ liệu trực tuyến hiển thị (giao thông, cảm biến, cảnh báo, xe buýt, nhà tránh trú) là dữ liệu mô phỏng, không phải số liệu quan trắc thật.',
    severity: { info: 'Thông tin', minor: 'Cảnh báo nhẹ', moderate: 'Cảnh báo', severe: 'Cảnh báo nghiêm trọng', extreme: 'Cảnh báo khẩn cấp' },
    more: (n) => `Thêm ${n} cảnh báo khác`,
    controls: 'Điều khiển bản đồ',
    layers: 'Lớp bản đồ',
    groups: ['Sông, hồ', 'Sử dụng đất, công viên', 'Tòa nhà', 'Đường', 'Đường sắt', 'Đơn vị hành chính', 'Tuyến, trạm xe buýt', 'Trạm IOC, nhà tránh trú', 'Địa điểm', 'Nhãn', 'Lớp phủ'],
    zoomIn: 'Phóng to',
    zoomOut: 'Thu nhỏ',
    northUp: 'Hướng bắc lên trên',
    closeCard: 'Đóng thẻ thông tin',
    searchPlaceholder: 'Tìm địa điểm, đường phố, trạm…',
    searchLabel: 'Tìm trên bản đồ',
    searchResults: 'Kết quả tìm kiếm',
    searchNone: 'Không tìm thấy',
    searchLoading: 'Đang tải chỉ mục tìm kiếm…',
    otherLanguage: 'English',
    otherLanguageTitle: 'Switch to English',
    copyLink: 'Sao chép liên kết',
    copyLinkTitle: 'Sao chép liên kết tới khung nhìn, đối tượng đang chọn, các lớp và ngôn ngữ này',
    copied: 'Đã sao chép liên kết',
    copyFailed: 'Hãy sao chép liên kết này:',
    selected: (t) => `Đã chọn: ${t}`,
    card: 'Địa điểm đang chọn',
    alerts: 'Cảnh báo đang có',
    alertsCount: (n) => (n ? `Cảnh báo đang có (${n})` : 'Không có cảnh báo'),
    alertKind: { flood: 'Ngập lụt', storm: 'Bão', landslide: 'Sạt lở', trafficJam: 'Ùn tắc', accident: 'Tai nạn', roadClosure: 'Cấm đường' },
    showOnMap: 'Xem trên bản đồ',
    showOnMapOf: (t) => `Xem trên bản đồ: ${t}`,
  },
};

/** `lang=vi|en` in the query, else Vietnamese for Vietnamese browsers, else English. */
export function pageLanguage(params, languages) {
  const q = (params.get('lang') || '').toLowerCase();
  if (q === 'vi' || q === 'en') return q;
  return (languages || []).some((l) => /^vi\b/i.test(String(l))) ? 'vi' : 'en';
}

/**
 * The text announcing newly seen alerts in `lang`, or '' when there is none: "<severity>:
 * <title>" for up to three of them (most severe first, as the core orders them), then a count.
 */
export function announcement(alerts, lang) {
  if (!alerts.length) return '';
  const t = TEXT[lang];
  const title = (a) => (lang === 'vi' ? a.titleVi || a.titleEn : a.titleEn || a.titleVi) || '';
  const parts = alerts.slice(0, 3).map((a) => `${t.severity[a.severity] || t.severity.moderate}: ${title(a)}`);
  if (alerts.length > 3) parts.push(t.more(alerts.length - 3));
  return parts.join('. ') + '.';
}
