export function formatPrice(amount, currency='EUR') {
    return new Intl.NumberFormat('en-IE', {style: 'currency', currency}).format(amount)
}
