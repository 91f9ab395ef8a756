export default function Page() { return <div className="p-6">Coming soon</div>; }
