// The dashboard's small charts (uPlot). Each chart's numbers come from data- attributes that the server wrote from
// the same rows its linked list shows; the chart is a picture of them, the list and its CSV are the evidence.
(function () {
  function numbers(el, name) {
    var text = el.getAttribute('data-' + name) || '';
    return text === '' ? [] : text.split(',').map(Number);
  }
  function width(el) {
    return Math.max(260, Math.min(560, el.parentElement.clientWidth - 10));
  }
  // two series of bars side by side: the first left of its tick, the second right of it
  var bars = function (align) { return uPlot.paths.bars({ size: [align ? 0.35 : 0.6, 30], align: align || 0 }); };

  function sla(el) {
    var taken = numbers(el, 'taken');
    var slaDays = numbers(el, 'sla');
    var x = taken.map(function (_, i) { return i + 1; });
    new uPlot({
      width: width(el), height: 220, title: 'Business days taken per removal',
      scales: { x: { time: false } },
      axes: [{ label: 'Removal' }, { label: 'Business days' }],
      series: [{ label: 'Removal' },
        { label: 'Days taken', stroke: '#0b4f8a', fill: 'rgba(11,79,138,0.35)', paths: bars(0) },
        { label: 'SLA', stroke: '#b42318', width: 2, dash: [6, 4] }]
    }, [x, taken, slaDays], el);
  }

  function ages(el) {
    var buckets = (el.getAttribute('data-buckets') || '').split(',');
    var onTime = numbers(el, 'ontime');
    var late = numbers(el, 'late');
    var x = buckets.map(function (_, i) { return i; });
    new uPlot({
      width: width(el), height: 220, title: 'Open tasks by age',
      scales: { x: { time: false, range: [-0.5, buckets.length - 0.5] } },
      axes: [{ label: 'Age', values: function (u, ticks) { return ticks.map(function (t) { return buckets[t] || ''; }); },
        splits: function () { return x; } }, { label: 'Tasks' }],
      series: [{ label: 'Age', value: function (u, v) { return v == null ? '' : buckets[v]; } },
        { label: 'Within due date', stroke: '#146c2e', fill: 'rgba(20,108,46,0.35)', paths: bars(-1) },
        { label: 'Past due date', stroke: '#b42318', fill: 'rgba(180,35,24,0.45)', paths: bars(1) }]
    }, [x, onTime, late], el);
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (typeof uPlot === 'undefined') {
      return;
    }
    document.querySelectorAll('[data-chart=sla]').forEach(sla);
    document.querySelectorAll('[data-chart=ages]').forEach(ages);
  });
})();
