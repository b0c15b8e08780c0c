// The console's two small scripts, sent inline with the response's CSP nonce. They take no data
// from the server's HTML but element ids and data attributes, fetch the console's JSON views
// (same origin, the session cookie) once a second, and write with textContent only: an RP's
// answer can never become markup.

import { FINAL_DELIVERY_STATUSES } from './console-delivery-columns.js';

const COMMON = `
var FINAL=${JSON.stringify(FINAL_DELIVERY_STATUSES)};
function text(v,max){if(v===null||v===undefined)return '';var t=typeof v==='string'?v:JSON.stringify(v);return max&&t.length>max?t.slice(0,max)+'\\u2026':t;}
function cls(v){return String(v).replace(/[^a-z]/g,'');}
function el(tag,className,content){var e=document.createElement(tag);if(className)e.className=className;if(content!==undefined)e.textContent=content;return e;}
function live(message){var s=document.getElementById('live-status');if(s)s.textContent=message;}
`;

/** The deliveries table: re-rendered from `/admin/console/deliveries.json` every second. */
export const DELIVERIES_LIVE_SCRIPT = `(function(){${COMMON}
var body=document.getElementById('deliveries-body');
function row(d){
  var tr=el('tr');tr.dataset.id=d.id;
  var first=el('td');var a=el('a');a.href='/admin/console/deliveries/'+encodeURIComponent(d.id);a.appendChild(el('code','',d.id.slice(0,8)));first.appendChild(a);tr.appendChild(first);
  ['created_at','client_id','command','tenant','sub'].forEach(function(k){tr.appendChild(el('td','',text(d[k])));});
  var st=el('td');st.appendChild(el('span','badge '+cls(d.status),d.status));tr.appendChild(st);
  tr.appendChild(el('td','',text(d.attempts)));tr.appendChild(el('td','',text(d.last_status)));
  tr.appendChild(el('td','err',text(d.last_error,240)));tr.appendChild(el('td','answer',text(d.last_response,240)));
  return tr;
}
function tick(){
  fetch('/admin/console/deliveries.json',{credentials:'same-origin',headers:{accept:'application/json'}})
    .then(function(r){if(!r.ok)throw new Error('HTTP '+r.status);return r.json();})
    .then(function(j){var f=document.createDocumentFragment();j.deliveries.forEach(function(d){f.appendChild(row(d));});body.replaceChildren(f);live('Updated '+new Date().toLocaleTimeString()+'.');})
    .catch(function(e){live('Live updates paused: '+e.message);})
    .finally(function(){setTimeout(tick,1000);});
}
setTimeout(tick,1000);
})();`;

/** One delivery: fields, progress and stored accounts from `/admin/console/deliveries/<id>.json`, until final. */
export const DELIVERY_LIVE_SCRIPT = `(function(){${COMMON}
var root=document.getElementById('delivery');var id=root.dataset.id;
function show(j){
  var d=j.delivery;
  root.querySelectorAll('[data-field]').forEach(function(e){
    var k=e.dataset.field;
    if(k==='status'){e.textContent=d.status;e.className='badge '+cls(d.status);}
    else if(k==='last_response'||k==='callback_response'){e.textContent=d[k]===null||d[k]===undefined?'':JSON.stringify(d[k],null,2);}
    else e.textContent=text(d[k]);
  });
  var p=document.getElementById('progress');var r=d.last_response;
  if(p&&r&&typeof r.account_events==='number'){
    var bar=p.querySelector('progress');
    if(typeof r.total_accounts==='number'){bar.max=Math.max(r.total_accounts,1);bar.value=r.account_events;}
    p.querySelector('[data-progress]').textContent=r.account_events+(typeof r.total_accounts==='number'?' of '+r.total_accounts:'')+' accounts'+(r.stream==='complete'?' (complete)':'');
  }
  var tb=document.getElementById('accounts-body');
  if(tb&&j.accounts){var f=document.createDocumentFragment();j.accounts.forEach(function(a){
    var tr=el('tr');tr.appendChild(el('td','',text(a.seq)));var s=el('td');s.appendChild(el('code','',a.sub));tr.appendChild(s);
    var st=el('td');st.appendChild(el('span','badge '+cls(a.account_state),a.account_state));tr.appendChild(st);tr.appendChild(el('td','',text(a.authentication_provider)));f.appendChild(tr);});
    tb.replaceChildren(f);}
  return FINAL.indexOf(d.status)!==-1;
}
function tick(){
  fetch('/admin/console/deliveries/'+encodeURIComponent(id)+'.json',{credentials:'same-origin',headers:{accept:'application/json'}})
    .then(function(r){if(!r.ok)throw new Error('HTTP '+r.status);return r.json();})
    .then(function(j){if(show(j)){live('Final.');return;}live('Updated '+new Date().toLocaleTimeString()+'.');setTimeout(tick,1000);})
    .catch(function(e){live('Live updates paused: '+e.message);setTimeout(tick,3000);});
}
setTimeout(tick,300);
})();`;
